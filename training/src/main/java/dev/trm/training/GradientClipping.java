package dev.trm.training;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Global-norm gradient clipping, and the ordering device of the training graph.
 *
 * <p>Every returned gradient is multiplied by a scale computed from the norm of ALL gradients, so no optimizer
 * update can run before the whole backward pass has read the weights. Grappler drops control dependencies on
 * stateless ops; a data dependency cannot be dropped. With clipping off the scale is exactly
 * 1, so the gradients pass through unchanged bit for bit.
 *
 * @param norm the global L2 norm of the unclipped gradients (logged as {@code train/grad_norm})
 * @param gradients the gradients to apply, in the input order
 */
public record GradientClipping(Operand<TFloat32> norm, List<Operand<TFloat32>> gradients) {

  /**
   * Clips {@code gradients} to global norm {@code maxNorm}; {@code maxNorm <= 0} disables clipping but keeps the
   * dependency on the norm.
   */
  public static GradientClipping of(Ops tf, List<? extends Operand<TFloat32>> gradients, float maxNorm) {
    if (gradients.isEmpty()) {
      throw new IllegalArgumentException("no gradients to clip");
    }
    List<Operand<TFloat32>> squares = new ArrayList<>(gradients.size());
    for (Operand<TFloat32> g : gradients) {
      squares.add(tf.reduceSum(tf.math.square(g), allAxes(tf, g)));
    }
    Operand<TFloat32> norm = tf.math.sqrt(tf.math.addN(squares));
    // min(1, c/norm): 1 below the threshold; with clipping off c = MAX_VALUE, so the scale is 1 unless the norm
    // itself overflowed (then the loss is not finite and the trainer stops anyway).
    float threshold = maxNorm > 0 ? maxNorm : Float.MAX_VALUE;
    Operand<TFloat32> scale = tf.math.minimum(tf.constant(1f), tf.math.divNoNan(tf.constant(threshold), norm));
    List<Operand<TFloat32>> scaled = new ArrayList<>(gradients.size());
    for (Operand<TFloat32> g : gradients) {
      scaled.add(tf.math.mul(g, scale));
    }
    return new GradientClipping(norm, List.copyOf(scaled));
  }

  private static Operand<org.tensorflow.types.TInt32> allAxes(Ops tf, Operand<TFloat32> x) {
    return tf.range(tf.constant(0), tf.rank(x), tf.constant(1));
  }
}
