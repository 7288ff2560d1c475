package dev.trm.bench;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Graph pieces the benchmark graphs share: seeded inputs, and a fetch that keeps a whole backward pass alive. */
final class BenchOps {
  private BenchOps() {}

  /** Normal values with standard deviation {@code std}, from a stateless seed (the same every run). */
  static Operand<TFloat32> normal(Ops tf, long seed, double std, long... shape) {
    return tf.math.mul(tf.random.statelessRandomNormal(tf.constant(shape), tf.constant(new long[] {seed, 0})),
        tf.constant((float) std));
  }

  /**
   * The global norm of the gradients of {@code loss} with respect to {@code wrt}: one scalar that needs every
   * gradient, so fetching it runs the whole backward pass (Grappler prunes what no fetch needs).
   */
  static Operand<TFloat32> gradientNorm(Ops tf, Operand<TFloat32> loss, List<? extends Operand<?>> wrt) {
    List<Operand<TFloat32>> squares = new ArrayList<>();
    for (Operand<?> g : tf.gradients(loss, List.copyOf(wrt))) {
      @SuppressWarnings("unchecked") // every differentiated tensor here is float32
      Operand<TFloat32> grad = (Operand<TFloat32>) g;
      squares.add(tf.reduceSum(tf.math.square(grad), tf.range(tf.constant(0), tf.rank(grad), tf.constant(1))));
    }
    return tf.math.sqrt(tf.math.addN(squares));
  }
}
