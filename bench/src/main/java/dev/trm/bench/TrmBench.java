package dev.trm.bench;

import dev.trm.datasets.Batch;
import dev.trm.datasets.OutputDirectory;
import dev.trm.model.TrmShape;
import dev.trm.model.config.DType;
import dev.trm.training.Replicas;
import dev.trm.training.Sessions;
import dev.trm.training.TrainStepGraph;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Runs one benchmark: the fp32 matmul peak, then the workload (a training step, or inference at the official
 * depth in process and through a SavedModel), timed as the median of several runs after warm-up.
 */
public final class TrmBench {
  /** Runs of the matmul chain for the peak (after two warm-up runs). */
  private static final int PEAK_RUNS = 5;
  private static final long BATCH_SEED = 1;

  private TrmBench() {}

  /** Runs {@code request}; progress and the optional profile go to {@code log}. */
  public static BenchResult run(BenchRequest request, PrintWriter log) {
    TrmShape shape = TrmShape.of(request.config().getArch(), request.dims());
    CpuTimes cpuAtStart = CpuTimes.read();
    log.println("measuring the fp32 matmul peak (" + MatmulPeak.CHAIN + " x " + MatmulPeak.SIZE + "^2 MatMuls)");
    double peak = MatmulPeak.measureGflops(Sessions.config(), 2, PEAK_RUNS);
    log.printf(Locale.ROOT, "peak %.1f GFLOP/s%n", peak);
    Batch batch = SyntheticBatch.of(request.dims(), request.batch(), BATCH_SEED);
    FlopCounter flops = FlopCounter.of(shape);
    return request.mode() == BenchRequest.Mode.TRAIN
        ? train(request, batch, flops.trainStep(), peak, cpuAtStart, log)
        : infer(request, batch, flops.inference(shape.haltMaxSteps()), peak, cpuAtStart, log);
  }

  private static BenchResult train(BenchRequest r, Batch batch, double flopsPerExample, double peak,
      CpuTimes cpuAtStart, PrintWriter log) {
    log.println("building the training step graph (batch " + r.batch() + (r.replicas() > 1
        ? " over " + r.replicas() + " virtual CPU devices" : "") + ")");
    PeakMemory.reset();
    long start = System.nanoTime();
    double examplesPerS;
    double buildS;
    long exchanged;
    Replicas replicas = r.replicas() > 1 ? Replicas.virtualCpus(r.replicas()) : Replicas.single();
    try (TrainStepGraph graph = TrainStepGraph.create(r.config(), r.dims(), r.batch(), 0, Long.MAX_VALUE, replicas,
        Sessions.config())) {
      buildS = secondsSince(start);
      log.printf(Locale.ROOT, "built in %.2f s; %d warm-up and %d timed training steps%n", buildS, r.warmup(),
          r.runs());
      Timings timings = Timings.measure(r.warmup(), r.runs(), () -> graph.step(batch));
      log.println("step seconds: " + timings);
      examplesPerS = r.batch() / timings.median();
      if (r.profile()) {
        log.println("profile of one more training step (forward, backward, optimizer, EMA, carry update):");
        graph.step(batch, metadata -> log.print(StepProfile.of(metadata).toText(20)));
        log.flush(); // print() does not flush an auto-flushing PrintWriter
      }
      exchanged = graph.crossDeviceBytesPerStep();
    }
    long rss = PeakMemory.peakRssBytes();
    double ceiling = ceiling(MatmulCeiling.trainStep(shape(r), r.batch()), r, log);
    return new BenchResult(r.config().getName(), dtype(r), r.batch(), "train", examplesPerS, flopsPerExample / 1e9,
        peak, ceiling, buildS, rss, null, loadAverage(),
        CpuTimes.read().stealFractionSince(cpuAtStart), CpuModel.read().toString(), r.replicas(), exchanged);
  }

  private static BenchResult infer(BenchRequest r, Batch batch, double flopsPerExample, double peak,
      CpuTimes cpuAtStart, PrintWriter log) {
    log.println("building the inference graph (batch " + r.batch() + ")");
    PeakMemory.reset();
    long start = System.nanoTime();
    double examplesPerS;
    double buildS;
    try (InProcessInference graph = InProcessInference.create(r.config(), r.dims(), r.batch(), Sessions.config())) {
      buildS = secondsSince(start);
      log.printf(Locale.ROOT, "built in %.2f s; %d warm-up and %d timed runs of %d ACT steps%n", buildS,
          r.warmup(), r.runs(), graph.actSteps());
      Timings timings = Timings.measure(r.warmup(), r.runs(), () -> graph.run(batch));
      log.println("run seconds: " + timings);
      examplesPerS = r.batch() / timings.median();
      if (r.profile()) {
        log.println("profile of the first ACT step:");
        log.print(graph.profileFirstStep(batch).toText(20));
        log.flush(); // print() does not flush an auto-flushing PrintWriter
      }
    }
    long rss = PeakMemory.peakRssBytes();
    BenchResult.SavedModelThroughput saved = savedModel(r, batch, log);
    double ceiling = ceiling(MatmulCeiling.inference(shape(r), r.batch(), shape(r).haltMaxSteps()), r, log);
    return new BenchResult(r.config().getName(), dtype(r), r.batch(), "infer", examplesPerS, flopsPerExample / 1e9,
        peak, ceiling, buildS, rss, saved, loadAverage(),
        CpuTimes.read().stealFractionSince(cpuAtStart), CpuModel.read().toString(), 1, 0);
  }

  /** The same inference through a SavedModel: {@code --saved-model}, or a fresh export to a temporary directory. */
  private static BenchResult.SavedModelThroughput savedModel(BenchRequest r, Batch batch, PrintWriter log) {
    Path tempBase = null;
    try {
      Path versionDir = r.savedModel();
      if (versionDir == null) {
        tempBase = Files.createTempDirectory("trm-bench-");
        log.println("exporting a SavedModel to " + tempBase);
        versionDir = SavedModelInference.exportFresh(r.config(), r.dims(), tempBase, Sessions.config());
      }
      PeakMemory.reset();
      long start = System.nanoTime();
      try (SavedModelInference model = SavedModelInference.load(versionDir, Sessions.config())) {
        double loadS = secondsSince(start);
        log.printf(Locale.ROOT, "loaded %s in %.2f s; %d warm-up and %d timed runs of fixed_steps%n", versionDir,
            loadS, r.warmup(), r.runs());
        Timings timings = Timings.measure(r.warmup(), r.runs(), () -> model.run(batch));
        log.println("run seconds: " + timings);
        return new BenchResult.SavedModelThroughput(r.batch() / timings.median(), loadS, PeakMemory.peakRssBytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for the SavedModel: " + e.getMessage(), e);
    } finally {
      if (tempBase != null) {
        OutputDirectory.deleteTree(tempBase);
      }
    }
  }

  private static double ceiling(List<MatmulCeiling.Product> products, BenchRequest r, PrintWriter log) {
    log.println("timing the step's " + products.size() + " weight-product shapes alone (the matmul ceiling)");
    return MatmulCeiling.measureGflops(products, r.config().getArch().getForwardDtype() == DType.BFLOAT16,
        Sessions.config(), PEAK_RUNS);
  }

  private static TrmShape shape(BenchRequest r) {
    return TrmShape.of(r.config().getArch(), r.dims());
  }

  private static String dtype(BenchRequest r) {
    return r.config().getArch().getForwardDtype().name();
  }

  private static double secondsSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
