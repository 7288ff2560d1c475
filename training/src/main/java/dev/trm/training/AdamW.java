package dev.trm.training;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * AdamW as PyTorch computes it: direction = m / (sqrt(v)/sqrt(1-β2^t) + ε), with decoupled weight decay applied
 * before the step (the paper's optimizer).
 */
public final class AdamW extends AdamOptimizer {
  private final float epsilon;

  public AdamW(Ops tf, float beta1, float beta2, float epsilon, float weightDecay) {
    super(tf, "adamw", beta1, beta2, weightDecay);
    this.epsilon = epsilon;
  }

  @Override
  protected Operand<TFloat32> direction(Ops tf, Operand<TFloat32> m, Operand<TFloat32> rootV) {
    return tf.math.div(m, tf.math.add(rootV, tf.constant(epsilon)));
  }
}
