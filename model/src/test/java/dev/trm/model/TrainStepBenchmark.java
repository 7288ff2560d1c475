package dev.trm.model;

import dev.trm.model.config.ArchConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Graph build time and one training step (ACT step forward + backward to every trained tensor and the puzzle
 * rows, fetching the global gradient norm so nothing is pruned) for the paper's Sudoku configs. Results go to
 * stdout and {@code model/target/benchmark.txt}. Run: {@code mvnm model test -Dslow -Dtest=TrainStepBenchmark}.
 */
@Tag("slow")
class TrainStepBenchmark {
  private static final ModelDims SUDOKU = new ModelDims(11, 81, 1);
  private static final Path OUT = Path.of("target", "benchmark.txt");

  @Test
  void sudokuAttention() throws IOException {
    ArchConfig arch = TinyConfigs.paper(false, 6).build();
    bench("TRM-Att Sudoku", arch, 8, 3);
    if (System.getenv("TRM_PROFILE") == null) {
      bench("TRM-Att Sudoku", arch, 32, 2);
    }
  }

  @Test
  void sudokuMlp() throws IOException {
    ArchConfig arch = TinyConfigs.paper(true, 6).build();
    bench("TRM-MLP Sudoku", arch, 8, 3);
    if (System.getenv("TRM_PROFILE") == null) {
      bench("TRM-MLP Sudoku", arch, 32, 2);
    }
  }

  @Test
  void matmulPeak() throws IOException {
    int n = 1024, chain = 20;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      // Fed, so that Grappler cannot fold the chain into a constant.
      Placeholder<TFloat32> a = tf.placeholder(TFloat32.class);
      Operand<TFloat32> w = tf.math.mul(a, tf.constant((float) (1 / Math.sqrt(n))));
      Operand<TFloat32> x = a;
      for (int i = 0; i < chain; i++) {
        x = tf.linalg.matMul(x, w);
      }
      Operand<TFloat32> sum = tf.sum(x, tf.constant(new int[] {0, 1}));
      float[] values = new float[n * n];
      java.util.Random rnd = new java.util.Random(0);
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) rnd.nextGaussian();
      }
      try (var in = Tensors.of(values, n, n)) {
        s.runner().feed(a, in).fetch(sum).run().close();
        Timing t = time(() -> s.runner().feed(a, in).fetch(sum).run().close(), 5);
        double gflop = 2.0 * n * n * n * chain / 1e9;
        report(String.format("fp32 MatMul %dx%d chain of %d: %.1f GFLOP/s wall, %.1f GFLOP/s per CPU-second",
            n, n, chain, gflop / t.wall, gflop / t.cpu));
      }
    }
  }

  private static void bench(String label, ArchConfig arch, int batch, int repeats) throws IOException {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      long t0 = System.nanoTime();
      Ops tf = Ops.create(g);
      TrmModel model = new TrmModel(tf, arch, SUDOKU);
      TrmShape shape = model.shape();
      TrmParams p = TrmParams.createVariables(tf, arch, SUDOKU, 0);
      Placeholder<TInt32> inputs = tf.placeholder(TInt32.class);
      Placeholder<TFloat32> uniform = tf.placeholder(TFloat32.class);
      Placeholder<TInt32> minHalt = tf.placeholder(TInt32.class);
      ActStep.Output out = new ActStep(model).build(p, ActStep.initialCarry(tf, shape, batch),
          new ActStep.Batch(inputs, inputs, tf.zeros(tf.constant(new int[] {batch}), TInt32.class)),
          ActStep.Mode.TRAIN, uniform, minHalt);
      Operand<TFloat32> loss = Losses.act(tf, arch, out).total();
      List<Operand<?>> wrt = new ArrayList<>(p.trainable().values());
      wrt.add(out.puzzleRows());
      Operand<TFloat32> normSq = tf.constant(0f);
      for (Operand<?> grad : tf.gradients(loss, wrt)) {
        @SuppressWarnings("unchecked")
        Operand<TFloat32> gr = (Operand<TFloat32>) grad;
        normSq = tf.math.add(normSq, tf.sum(tf.math.square(gr), tf.range(tf.constant(0), tf.rank(gr),
            tf.constant(1))));
      }
      Operand<TFloat32> gradNormSq = normSq;
      double buildSeconds = (System.nanoTime() - t0) / 1e9;

      int[] grid = new int[batch * shape.seqLen()];
      for (int i = 0; i < grid.length; i++) {
        grid[i] = 1 + i % 10;
      }
      float[] u = new float[batch];
      java.util.Arrays.fill(u, 0.5f);
      int[] mh = new int[batch];
      java.util.Arrays.fill(mh, 2);
      try (var in = Tensors.of(grid, batch, shape.seqLen()); var uT = Tensors.of(u, batch);
          var mT = Tensors.of(mh, batch)) {
        Runnable step = () -> {
          try (Result r = s.runner().feed(inputs, in).feed(uniform, uT).feed(minHalt, mT).fetch(loss)
              .fetch(gradNormSq).run()) {
            if (!Float.isFinite(Tensors.floats(r.get(1))[0])) {
              throw new IllegalStateException("non-finite gradient norm");
            }
          }
        };
        Timing first = time(step, 1);
        if (System.getenv("TRM_PROFILE") != null) {
          profile(s.runner().feed(inputs, in).feed(uniform, uT).feed(minHalt, mT).fetch(loss).fetch(gradNormSq));
        }
        Timing steady = time(step, repeats);
        double gflop = stepFlops(shape, batch) / 1e9;
        report(String.format("%s B=%d: %d graph nodes, build %.2f s, first step %.2f s, step %.2f s wall / %.2f "
                + "CPU-s (%.1f GFLOP: %.1f GFLOP/s wall, %.1f per CPU-second), load %.1f", label, batch,
            countOps(g), buildSeconds, first.wall, steady.wall, steady.cpu, gflop, gflop / steady.wall,
            gflop / steady.cpu, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
      }
    }
  }

  /** Prints the time per op type of one traced run (the 25 most expensive). */
  private static void profile(Session.Runner runner) throws IOException {
    runner.setOptions(org.tensorflow.proto.RunOptions.newBuilder()
        .setTraceLevel(org.tensorflow.proto.RunOptions.TraceLevel.FULL_TRACE).build());
    java.util.Map<String, long[]> byType = new java.util.HashMap<>();
    try (Result r = runner.runAndFetchMetadata()) {
      for (var dev : r.getMetadata().orElseThrow().getStepStats().getDevStatsList()) {
        for (var node : dev.getNodeStatsList()) {
          String label = node.getTimelineLabel();
          int eq = label.indexOf(" = ");
          String type = eq < 0 ? node.getNodeName() : label.substring(eq + 3).split("[(]")[0];
          long[] acc = byType.computeIfAbsent(type, k -> new long[2]);
          acc[0] += node.getAllEndRelMicros();
          acc[1]++;
        }
      }
    }
    long total = byType.values().stream().mapToLong(a -> a[0]).sum();
    StringBuilder sb = new StringBuilder("profile (ms, count):");
    byType.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0])).limit(25)
        .forEach(e -> sb.append(String.format("%n  %-28s %8.1f %5d", e.getKey(), e.getValue()[0] / 1e3,
            e.getValue()[1])));
    report(sb.append(String.format("%n  total %.1f ms", total / 1e3)).toString());
  }

  /** Matmul FLOPs of one training step: T(n+1) forward applications of f, plus 2x for the n+1 with gradient. */
  static double stepFlops(TrmShape s, int batch) {
    double tokens = (double) batch * s.totalLen();
    double d = s.hidden();
    double perLayer = 2 * tokens * d * 2 * s.channelInter() + 2 * tokens * s.channelInter() * d;
    if (s.mlpT()) {
      perLayer += 2 * batch * d * s.totalLen() * 2 * s.tokenInter() + 2 * batch * d * s.tokenInter() * s.totalLen();
    } else {
      perLayer += 2 * tokens * d * 4 * d + 2 * 2 * batch * s.heads() * (double) s.totalLen() * s.totalLen()
          * s.headDim();
    }
    double perApplication = perLayer * s.layers();
    double heads = 2.0 * batch * s.seqLen() * d * s.vocab();
    int applications = s.hCycles() * (s.lCycles() + 1);
    int withGrad = s.lCycles() + 1;
    return (applications + 2 * withGrad) * perApplication + 3 * heads;
  }

  private record Timing(double wall, double cpu) {}

  private static Timing time(Runnable r, int repeats) {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    for (int i = 0; i < repeats; i++) {
      r.run();
    }
    return new Timing((System.nanoTime() - t0) / 1e9 / repeats, (os.getProcessCpuTime() - cpu0) / 1e9 / repeats);
  }

  private static int countOps(Graph g) {
    int n = 0;
    for (var it = g.operations(); it.hasNext(); it.next()) {
      n++;
    }
    return n;
  }

  private static void report(String line) throws IOException {
    System.out.println(line);
    Files.writeString(OUT, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
