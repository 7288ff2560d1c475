package dev.trm.bench.jmh;

import dev.trm.bench.ChannelMlpVariants;
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
 * Seven chained channel SwiGLUs (the with-gradient part of a step uses the net 7 times) on the token rows of a
 * Sudoku batch (L = 97), forward and backward, in each form of {@link ChannelMlpVariants}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ChannelMlpBenchmark {
  @Param({"SPLIT_ACTIVATIONS", "SPLIT_WEIGHTS"})
  public ChannelMlpVariants.Form form;

  @Param({"8", "32"})
  public int batch;

  private ChannelMlpVariants graph;

  @Setup
  public void build() {
    graph = new ChannelMlpVariants(form, 7, batch * 97, 512, 1536, Sessions.config());
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
