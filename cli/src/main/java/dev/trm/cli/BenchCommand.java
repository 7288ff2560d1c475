package dev.trm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code trm bench}: Benchmark a training step or inference. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark a training step or inference.")
public final class BenchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("trm bench: not yet available");
    return 2;
  }
}
