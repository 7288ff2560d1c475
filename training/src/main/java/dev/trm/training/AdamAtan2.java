package dev.trm.training;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * AdamATan2 (the official code's optimizer, imoneoi/adam-atan2): direction = atan2(m, sqrt(v)/sqrt(1-β2^t)).
 * No epsilon: atan2 is defined at 0/0 and bounds each update by lr·π/2/(1-β1^t).
 */
public final class AdamAtan2 extends AdamOptimizer {

  public AdamAtan2(Ops tf, float beta1, float beta2, float weightDecay) {
    super(tf, "adam_atan2", beta1, beta2, weightDecay);
  }

  @Override
  protected Operand<TFloat32> direction(Ops tf, Operand<TFloat32> m, Operand<TFloat32> rootV) {
    return tf.math.atan2(m, rootV);
  }
}
