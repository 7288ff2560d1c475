package dev.trm.bench.jmh;

import dev.trm.bench.MatmulPeak;
import dev.trm.training.Sessions;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** One run of {@link MatmulPeak}'s chain: GFLOP/s = {@code MatmulPeak.flopsPerRun()} (68.7 G) / time. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MatmulPeakBenchmark {
  private MatmulPeak chain;

  @Setup
  public void build() {
    chain = MatmulPeak.create(Sessions.config());
  }

  @Benchmark
  public void chain() {
    chain.run();
  }

  @TearDown
  public void close() {
    chain.close();
  }
}
