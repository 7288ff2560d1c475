package dev.trm.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The MLP-mixer's token-mixing sub-block, t = RMSNorm_L(t + SwiGLU_L(t)) on t = h^T (spec §1.4).
 *
 * <p>Instead of transposing [B, L, D] twice, the SwiGLU over the sequence axis is computed with the weights on
 * the left: W_gate [I, L] x h [B, L, D] = [B, I, D] (likewise up), then W_down [L, I] x m [B, I, D] = [B, L, D],
 * and the norm runs over axis 1 (the sequence), which is the last axis of the official transposed tensor.
 */
final class TokenMixer {
  private TokenMixer() {}

  /** h is [B, L, D]; returns [B, L, D]. */
  static Operand<TFloat32> apply(Ops tf, Precision precision, Operand<TFloat32> h, Operand<TFloat32> gateUp,
      Operand<TFloat32> down, int inter, float eps) {
    Operand<TFloat32> gate = precision.batchMatMul(SwiGlu.rows(tf, gateUp, 0, inter), h, false);
    Operand<TFloat32> up = precision.batchMatMul(SwiGlu.rows(tf, gateUp, inter, inter), h, false);
    Operand<TFloat32> out = precision.batchMatMul(down, SwiGlu.gatedSilu(tf, gate, up), false); // [B, L, D]
    return RmsNorm.apply(tf, tf.math.add(h, out), 1, eps);
  }
}
