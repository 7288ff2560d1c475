package dev.trm.bench.jmh;

import dev.trm.bench.GradientStepGraph;
import dev.trm.bench.SessionSettings;
import dev.trm.bench.SyntheticBatch;
import dev.trm.datasets.Batch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** The forward and backward pass of a training step ({@link GradientStepGraph}) under each session setting. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class SessionSettingsBenchmark {
  @Param({"DEFAULT", "INTRA_1", "INTRA_2", "INTER_2", "XLA", "NO_REMAPPER", "AMP_BF16"})
  public SessionSettings settings;

  @Param({"configs/sudoku-mlp.pbtxt"})
  public String config;

  @Param({"11,81,1"})
  public String dims;

  @Param({"8"})
  public int batch;

  private GradientStepGraph graph;
  private Batch input;

  @Setup
  public void build() {
    graph = GradientStepGraph.create(BenchState.config(config), BenchState.dims(dims), batch, settings.config());
    input = SyntheticBatch.of(BenchState.dims(dims), batch, 1);
  }

  @Benchmark
  public float forwardBackward() {
    return graph.run(input);
  }

  @TearDown
  public void close() {
    graph.close();
  }
}
