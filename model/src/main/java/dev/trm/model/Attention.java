package dev.trm.model;

import dev.trm.model.config.PosEncoding;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Non-causal multi-head self-attention without mask or biases: fused qkv projection (columns [q heads | k heads |
 * v heads]), RoPE on q and k, softmax(q k^T / sqrt(head_dim)) v, output projection.
 *
 * <p>The projections follow the compute dtype; the two small products inside (scores and values, about 3% of the
 * FLOPs) are fp32 Einsums whatever it is. Einsum, because oneDNN rewrites it (_MklEinsum) and not the BatchMatMulV3
 * that TF Java emits, which runs on TensorFlow's generic kernel (1.4x the time in a traced sudoku-att step); the
 * second one writes [B, L, H, hd] directly, sparing a transpose.
 */
final class Attention {
  private final Ops tf;
  private final Precision precision;
  private final TrmShape shape;
  private final Rope ropeQ; // scales by 1/sqrt(head_dim) too; both null without RoPE
  private final Rope ropeK;
  private final float scale;

  Attention(Ops tf, Precision precision, TrmShape shape) {
    this.tf = tf;
    this.precision = precision;
    this.shape = shape;
    this.scale = (float) (1 / Math.sqrt(shape.headDim()));
    boolean rope = shape.pos() == PosEncoding.ROPE;
    this.ropeQ = rope ? new Rope(tf, shape.totalLen(), shape.headDim(), shape.ropeTheta(), scale) : null;
    this.ropeK = rope ? new Rope(tf, shape.totalLen(), shape.headDim(), shape.ropeTheta()) : null;
  }

  /** h is [N = B*L, D]; returns [N, D]. */
  Operand<TFloat32> apply(Operand<TFloat32> h, Operand<TFloat32> qkvWeight, Operand<TFloat32> outWeight) {
    Operand<TFloat32> qkv = tf.reshape(precision.linear(h, qkvWeight),
        tf.constant(new int[] {-1, shape.totalLen(), 3, shape.heads(), shape.headDim()}));
    // [3, B, H, L, hd]: unstacking the leading axis hands out views, no copies.
    List<Output<TFloat32>> parts = tf.unstack(tf.linalg.transpose(qkv, tf.constant(new int[] {2, 0, 3, 1, 4})), 3L)
        .output();
    Operand<TFloat32> q = ropeQ != null ? ropeQ.apply(parts.get(0)) : tf.math.mul(parts.get(0), tf.constant(scale));
    Operand<TFloat32> k = ropeK != null ? ropeK.apply(parts.get(1)) : parts.get(1);
    Operand<TFloat32> probs = tf.nn.softmax(tf.linalg.einsum(List.of(q, k), "bhqd,bhkd->bhqk")); // [B, H, L, L]
    Operand<TFloat32> out = tf.linalg.einsum(List.of(probs, parts.get(2)), "bhqk,bhkd->bqhd"); // [B, L, H, hd]
    return precision.linear(tf.reshape(out, tf.constant(new int[] {-1, shape.hidden()})), outWeight);
  }
}
