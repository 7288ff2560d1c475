package dev.trm.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Split;
import org.tensorflow.types.TFloat32;

/**
 * The channel MLP: down(silu(gate) * up) with [gate | up] = x W_gate_up^T (official fused layout, no biases).
 * Rows are tokens: x is [N, D].
 */
final class SwiGlu {
  private SwiGlu() {}

  static Operand<TFloat32> apply(Ops tf, Precision precision, Operand<TFloat32> x, Operand<TFloat32> gateUp,
      Operand<TFloat32> down) {
    Split<TFloat32> halves = tf.split(tf.constant(1), precision.linear(x, gateUp), 2L); // [N, I] each
    return precision.linear(gatedSilu(tf, halves.output().get(0), halves.output().get(1)), down);
  }

  /** silu(gate) * up. */
  static Operand<TFloat32> gatedSilu(Ops tf, Operand<TFloat32> gate, Operand<TFloat32> up) {
    return tf.math.mul(tf.math.mul(gate, tf.math.sigmoid(gate)), up);
  }
}
