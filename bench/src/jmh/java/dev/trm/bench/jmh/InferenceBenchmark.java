package dev.trm.bench.jmh;

import dev.trm.bench.InProcessInference;
import dev.trm.bench.SyntheticBatch;
import dev.trm.datasets.Batch;
import dev.trm.training.Sessions;
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

/** Inference at the official depth (halt_max_steps ACT steps) in process, one batch per shot. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class InferenceBenchmark {
  @Param({"configs/sudoku-mlp.pbtxt"})
  public String config;

  @Param({"11,81,1"})
  public String dims;

  @Param({"8"})
  public int batch;

  private InProcessInference graph;
  private Batch input;

  @Setup
  public void build() {
    graph = InProcessInference.create(BenchState.config(config), BenchState.dims(dims), batch, Sessions.config());
    input = SyntheticBatch.of(BenchState.dims(dims), batch, 1);
  }

  @Benchmark
  public int[] fixedDepth() {
    return graph.run(input);
  }

  @TearDown
  public void close() {
    graph.close();
  }
}
