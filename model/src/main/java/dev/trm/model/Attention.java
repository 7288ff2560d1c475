package dev.trm.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Split;
import org.tensorflow.types.TFloat32;

/**
 * Non-causal multi-head self-attention without mask or biases: fused qkv projection (columns [q heads | k heads |
 * v heads]), RoPE on q and k, softmax(q k^T / sqrt(head_dim)) v, output projection (spec §1.4).
 */
final class Attention {
  private final Ops tf;
  private final Precision precision;
  private final TrmShape shape;
  private final Rope rope; // null without RoPE

  Attention(Ops tf, Precision precision, TrmShape shape, Rope rope) {
    this.tf = tf;
    this.precision = precision;
    this.shape = shape;
    this.rope = rope;
  }

  /** h is [N = B*L, D]; returns [N, D]. */
  Operand<TFloat32> apply(Operand<TFloat32> h, Operand<TFloat32> qkvWeight, Operand<TFloat32> outWeight) {
    int heads = shape.heads();
    Operand<TFloat32> qkv = tf.reshape(precision.linear(h, qkvWeight),
        tf.constant(new int[] {-1, shape.totalLen(), 3 * heads, shape.headDim()}));
    qkv = tf.linalg.transpose(qkv, tf.constant(new int[] {0, 2, 1, 3})); // [B, 3H, L, hd]
    Split<TFloat32> parts = tf.split(tf.constant(1), qkv, 3L);
    Operand<TFloat32> q = parts.output().get(0);
    Operand<TFloat32> k = parts.output().get(1);
    Operand<TFloat32> v = parts.output().get(2);
    if (rope != null) {
      q = rope.apply(q);
      k = rope.apply(k);
    }
    q = tf.math.mul(q, tf.constant((float) (1 / Math.sqrt(shape.headDim()))));
    Operand<TFloat32> probs = tf.nn.softmax(precision.batchMatMul(q, k, true)); // [B, H, L, L]
    Operand<TFloat32> out = tf.linalg.transpose(precision.batchMatMul(probs, v, false),
        tf.constant(new int[] {0, 2, 1, 3})); // [B, L, H, hd]
    return precision.linear(tf.reshape(out, tf.constant(new int[] {-1, shape.hidden()})), outWeight);
  }
}
