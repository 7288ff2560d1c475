package dev.trm.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Split;
import org.tensorflow.types.TFloat32;

/**
 * The MLP-mixer's token-mixing sub-block, t = RMSNorm_L(t + SwiGLU_L(t)) on t = h^T (spec §1.4).
 *
 * <p>Instead of transposing [B, L, D] twice, the SwiGLU over the sequence axis is computed with the weights on
 * the left: W_gate_up [2I, L] x h [B, L, D] = [B, 2I, D], then W_down [L, I] x m [B, I, D] = [B, L, D], and the
 * norm runs over axis 1 (the sequence), which is the last axis of the official transposed tensor.
 */
final class TokenMixer {
  private TokenMixer() {}

  /** h is [B, L, D]; returns [B, L, D]. */
  static Operand<TFloat32> apply(Ops tf, Precision precision, Operand<TFloat32> h, Operand<TFloat32> gateUp,
      Operand<TFloat32> down, float eps) {
    Split<TFloat32> halves = tf.split(tf.constant(1), precision.batchMatMul(gateUp, h, false), 2L); // [B, I, D]
    Operand<TFloat32> mixed = SwiGlu.gatedSilu(tf, halves.output().get(0), halves.output().get(1));
    Operand<TFloat32> out = precision.batchMatMul(down, mixed, false); // [B, L, D]
    return RmsNorm.apply(tf, tf.math.add(h, out), 1, eps);
  }
}
