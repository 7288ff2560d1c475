package dev.trm.bench.jmh;

import dev.trm.bench.TokenMixVariants;
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

/**
 * The Sudoku MLP-mixer's token mixing (L = 97, D = 512, inner 512), forward and backward, in each layout of
 * {@link TokenMixVariants}, in float32 and with bfloat16 products. Divide {@code TokenMixVariants.flops()} by the time for GFLOP/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenMixBenchmark {
  @Param({"TRANSPOSED", "LEFT_BATCHED", "SEQUENCE_MAJOR"})
  public TokenMixVariants.Layout layout;

  @Param({"8", "32"})
  public int batch;

  @Param({"false", "true"})
  public boolean bf16;

  private TokenMixVariants graph;

  @Setup
  public void build() {
    graph = new TokenMixVariants(layout, batch, 97, 512, 512, bf16, Sessions.config());
  }

  @Benchmark
  public float forwardBackward() {
    return graph.run();
  }

  @TearDown
  public void close() {
    graph.close();
  }
}
