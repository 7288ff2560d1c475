package dev.trm.bench;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * The fp32 matrix-multiply peak of this machine as TensorFlow reaches it: a chain of square MatMuls in one graph,
 * in the benchmark's session config, after warm-up; the fastest of several runs, since a peak is what the machine
 * can do and a neighbour's burst only ever slows a run down (the workload itself is reported by its median).
 *
 * <p>Measured in the same process as the benchmark so that the fraction of peak compares like with like on a
 * shared machine whose speed varies with its neighbours' load.
 */
public final class MatmulPeak implements AutoCloseable {
  /** Side of the square matrices: large enough for oneDNN's best blocking, small enough to run in ~0.1 s. */
  public static final int SIZE = 2048;
  /** MatMuls in the chain per run: enough work that the run overhead (~0.2 ms) is noise. */
  public static final int CHAIN = 4;

  private final Graph graph = new Graph();
  private final Session session;
  private final Operand<TFloat32> sum;

  private MatmulPeak(ConfigProto config) {
    Ops tf = Ops.create(graph);
    // Unit-variance inputs scaled by 1/sqrt(n) keep every product of the chain near unit scale (no inf/denormals).
    Operand<TFloat32> scale = tf.constant((float) (1 / Math.sqrt(SIZE)));
    Operand<TFloat32> a = tf.variable(tf.math.mul(normal(tf, 1), scale));
    Operand<TFloat32> b = tf.variable(tf.math.mul(normal(tf, 2), scale));
    Operand<TFloat32> product = a;
    for (int i = 0; i < CHAIN; i++) {
      product = tf.linalg.matMul(product, b);
    }
    // Fetch a scalar: the benchmark measures compute, not the copy of a 16 MB result to Java.
    sum = tf.reduceSum(product, tf.constant(new int[] {0, 1}));
    session = new Session(graph, config);
    session.initialize();
  }

  /** Builds the chain in a session with {@code config}. */
  public static MatmulPeak create(ConfigProto config) {
    return new MatmulPeak(config);
  }

  /** GFLOP/s of the fastest of {@code runs} runs after {@code warmup} untimed ones. */
  public static double measureGflops(ConfigProto config, int warmup, int runs) {
    try (MatmulPeak chain = create(config)) {
      return flopsPerRun() / Timings.measure(warmup, runs, chain::run).fastest() / 1e9;
    }
  }

  /** FLOPs of one run of the chain (2·n³ per MatMul). */
  public static double flopsPerRun() {
    return CHAIN * 2.0 * SIZE * SIZE * SIZE;
  }

  /** Runs the chain once. */
  public void run() {
    session.runner().fetch(sum).run().close();
  }

  private static Operand<TFloat32> normal(Ops tf, long seed) {
    return tf.random.statelessRandomNormal(tf.constant(new long[] {SIZE, SIZE}), tf.constant(new long[] {seed, 0}));
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
