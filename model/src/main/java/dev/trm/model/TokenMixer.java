package dev.trm.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The MLP-mixer's token-mixing sub-block, t = RMSNorm_L(t + SwiGLU_L(t)) on t = h^T, computed as the
 * official code does: transpose [B, L, D] to channel rows [B*D, L], the channel SwiGLU on those rows, transpose
 * back.
 *
 * <p>The two transposes per block buy 2-D MatMuls, which oneDNN runs (with AMX for bfloat16); the transpose-free
 * form, weights on the left of a broadcasting BatchMatMul, runs on TensorFlow's generic kernel, which is about as
 * fast in float32 and half as fast in bfloat16 (measured on the token-mixing sub-block alone).
 */
final class TokenMixer {
  private TokenMixer() {}

  /** h is [B, L, D]; returns [B, L, D]. */
  static Operand<TFloat32> apply(Ops tf, Precision precision, Operand<TFloat32> h, Operand<TFloat32> gateUp,
      Operand<TFloat32> down, int inter, float eps) {
    Operand<TInt32> swap = tf.constant(new int[] {0, 2, 1});
    Operand<TFloat32> t = tf.linalg.transpose(h, swap); // [B, D, L]
    Operand<TFloat32> rows = tf.reshape(t, tf.constant(new int[] {-1, (int) h.shape().get(1)})); // [B*D, L]
    Operand<TFloat32> mixed = RmsNorm.apply(tf, tf.math.add(rows, SwiGlu.apply(tf, precision, rows, gateUp, down,
        inter)), -1, eps);
    return tf.linalg.transpose(tf.reshape(mixed, tf.shape(t)), swap);
  }
}
