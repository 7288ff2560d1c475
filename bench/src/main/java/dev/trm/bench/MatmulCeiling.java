package dev.trm.bench;

import dev.trm.model.TrmShape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;

/**
 * The best a step can do with TensorFlow's MatMul kernels at its own shapes: every weight product of the step
 * (forward, and for training the input- and weight-gradient products of the last cycle) timed alone, and their
 * FLOPs divided by the summed time.
 *
 * <p>The 2048^3 peak is not reachable at batch 8: oneDNN runs a [776, 512] x [512, 1536] product at 60-75% of it.
 * Comparing the step's GFLOP/s with this ceiling separates what the kernels cannot do from what the graph wastes
 * (elementwise work, copies, the attention's generic BatchMatMuls, which the ceiling leaves out with the heads).
 */
public final class MatmulCeiling {
  /** Products per timed graph: enough work per run that the run overhead is noise. */
  private static final int PER_RUN = 4;

  /**
   * One matrix product shape [m, k] x [k, n], with its operands' transposes as the graph has them.
   *
   * @param count how many the step runs
   */
  public record Product(long m, long k, long n, boolean transposeA, boolean transposeB, long count) {
    double flops() {
      return 2.0 * m * k * n * count;
    }

    Product times(long factor) {
      return withCount(count * factor);
    }

    Product withCount(long newCount) {
      return new Product(m, k, n, transposeA, transposeB, newCount);
    }
  }

  private MatmulCeiling() {}

  /** The weight products of one training step of {@code batch} examples. */
  public static List<Product> trainStep(TrmShape shape, int batch) {
    List<Product> out = new ArrayList<>();
    long forward = (long) shape.layers() * shape.hCycles() * (shape.lCycles() + 1);
    long backward = (long) shape.layers() * (shape.lCycles() + 1);
    for (Product p : layerForward(shape, batch)) {
      out.add(p.times(forward));
      // y = x W^T: dx = dy W is [m, n] x [n, k]; dW = dy^T x is [n, m] x [m, k] with dy transposed.
      out.add(new Product(p.m(), p.n(), p.k(), false, false, p.count() * backward));
      out.add(new Product(p.n(), p.m(), p.k(), true, false, p.count() * backward));
    }
    return merge(out);
  }

  /** The weight products of {@code actSteps} forward ACT steps of {@code batch} examples. */
  public static List<Product> inference(TrmShape shape, int batch, int actSteps) {
    long forward = (long) actSteps * shape.layers() * shape.hCycles() * (shape.lCycles() + 1);
    return merge(layerForward(shape, batch).stream().map(p -> p.times(forward)).toList());
  }

  /** x [rows, in] times a PyTorch-layout weight [out, in], per layer and application. */
  private static List<Product> layerForward(TrmShape s, int batch) {
    long tokens = (long) batch * s.totalLen();
    long d = s.hidden();
    long inter = s.channelInter();
    List<Product> out = new ArrayList<>();
    if (s.mlpT()) {
      long channels = (long) batch * d; // the token MLP runs on channel rows [B*D, L]
      out.add(new Product(channels, s.totalLen(), s.tokenInter(), false, true, 2)); // gate, up
      out.add(new Product(channels, s.tokenInter(), s.totalLen(), false, true, 1)); // down
    } else {
      out.add(new Product(tokens, d, 3 * d, false, true, 1)); // qkv
      out.add(new Product(tokens, d, d, false, true, 1)); // o
    }
    out.add(new Product(tokens, d, inter, false, true, 2)); // gate, up
    out.add(new Product(tokens, inter, d, false, true, 1)); // down
    return out;
  }

  /** One entry per distinct shape, counts added. */
  private static List<Product> merge(List<Product> products) {
    Map<List<Object>, Product> byShape = new LinkedHashMap<>();
    for (Product p : products) {
      byShape.merge(List.of(p.m(), p.k(), p.n(), p.transposeA(), p.transposeB()), p,
          (a, b) -> a.withCount(a.count() + b.count()));
    }
    return List.copyOf(byShape.values());
  }

  /**
   * Times each product alone ({@code runs} runs after one warm-up, the fastest kept, as for the peak) and returns
   * the FLOP-weighted rate: all products' FLOPs over their summed time, in GFLOP/s.
   */
  public static double measureGflops(List<Product> products, boolean bf16, ConfigProto config, int runs) {
    double flops = 0;
    double seconds = 0;
    for (Product p : products) {
      double perRun = secondsPerProduct(p, bf16, config, runs);
      flops += p.flops();
      seconds += perRun * p.count();
    }
    return flops / seconds / 1e9;
  }

  private static double secondsPerProduct(Product p, boolean bf16, ConfigProto config, int runs) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> x = tf.variable(normal(tf, 1, 1, p.transposeA() ? p.k() : p.m(),
          p.transposeA() ? p.m() : p.k()));
      List<Operand<TFloat32>> sums = new ArrayList<>();
      for (int i = 0; i < PER_RUN; i++) { // distinct weights, so Grappler cannot merge the products
        Operand<TFloat32> w = tf.variable(normal(tf, 2 + i, 1, p.transposeB() ? p.n() : p.k(),
            p.transposeB() ? p.k() : p.n()));
        MatMul.Options[] t = {MatMul.transposeA(p.transposeA()), MatMul.transposeB(p.transposeB())};
        Operand<TFloat32> y = bf16
            ? tf.dtypes.cast(tf.linalg.matMul(tf.dtypes.cast(x, TBfloat16.class), tf.dtypes.cast(w, TBfloat16.class),
                t), TFloat32.class)
            : tf.linalg.matMul(x, w, t);
        sums.add(tf.reduceSum(y, tf.constant(new int[] {0, 1})));
      }
      Operand<TFloat32> total = tf.math.addN(sums);
      try (Session session = new Session(g, config)) {
        session.initialize();
        Timings t = Timings.measure(1, runs, () -> session.runner().fetch(total).run().close());
        return t.fastest() / PER_RUN;
      }
    }
  }

  /** Normal values with standard deviation {@code std}, from a stateless seed (the same every run). */
  private static Operand<TFloat32> normal(Ops tf, long seed, double std, long... shape) {
    return tf.math.mul(tf.random.statelessRandomNormal(tf.constant(shape), tf.constant(new long[] {seed, 0})),
        tf.constant((float) std));
  }
}
