package dev.trm.bench.jmh;

import dev.trm.bench.SyntheticBatch;
import dev.trm.datasets.Batch;
import dev.trm.training.StepResult;
import dev.trm.training.TrainStepGraph;
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

/** One full training ACT step ({@link TrainStepGraph}: forward, backward, optimizer, EMA, carry), one per shot. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class TrainStepBenchmark {
  @Param({"configs/sudoku-mlp.pbtxt", "configs/sudoku-att.pbtxt"})
  public String config;

  @Param({"11,81,1"})
  public String dims;

  @Param({"8"})
  public int batch;

  private TrainStepGraph graph;
  private Batch input;

  @Setup
  public void build() {
    graph = TrainStepGraph.create(BenchState.config(config), BenchState.dims(dims), batch);
    input = SyntheticBatch.of(graph.dims(), batch, 1);
  }

  @Benchmark
  public StepResult step() {
    return graph.step(input);
  }

  @TearDown
  public void close() {
    graph.close();
  }
}
