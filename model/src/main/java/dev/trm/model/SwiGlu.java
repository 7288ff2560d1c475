package dev.trm.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The channel MLP: down(silu(gate) * up) with [gate | up] = x W_gate_up^T (official fused layout, no biases).
 * Rows are tokens: x is [N, D].
 *
 * <p>The fused weight is sliced into its gate and up halves rather than splitting the [N, 2I] product: the slices
 * are weight-sized and computed once per graph (Grappler merges the identical slices of all applications), the
 * split would copy activations at every application.
 */
final class SwiGlu {
  private SwiGlu() {}

  /** x [N, in], gateUp [2 inter, in], down [in, inter]; {@code inter} comes from the config, not the tensor. */
  static Operand<TFloat32> apply(Ops tf, Precision precision, Operand<TFloat32> x, Operand<TFloat32> gateUp,
      Operand<TFloat32> down, int inter) {
    Operand<TFloat32> gate = precision.linear(x, rows(tf, gateUp, 0, inter));
    Operand<TFloat32> up = precision.linear(x, rows(tf, gateUp, inter, inter));
    return precision.linear(gatedSilu(tf, gate, up), down);
  }

  /** silu(gate) * up. */
  static Operand<TFloat32> gatedSilu(Ops tf, Operand<TFloat32> gate, Operand<TFloat32> up) {
    return tf.math.mul(tf.math.mul(gate, tf.math.sigmoid(gate)), up);
  }

  /** Rows [from, from + count) of a [rows, cols] weight. */
  static Operand<TFloat32> rows(Ops tf, Operand<TFloat32> weight, int from, int count) {
    return tf.slice(weight, tf.constant(new int[] {from, 0}), tf.constant(new int[] {count, -1}));
  }
}
