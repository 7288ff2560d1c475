package dev.trm.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/** RMSNorm without a gain (the model has no norm weights): x * rsqrt(mean(x^2 over one axis) + eps), in fp32. */
final class RmsNorm {
  private RmsNorm() {}

  static Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x, int axis, float eps) {
    Operand<TFloat32> meanSquare = tf.math.mean(tf.math.square(x), tf.constant(axis), Mean.keepDims(true));
    return tf.math.mul(x, tf.math.rsqrt(tf.math.add(meanSquare, tf.constant(eps))));
  }
}
