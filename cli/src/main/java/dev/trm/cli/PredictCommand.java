package dev.trm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code trm predict}: Run a SavedModel or checkpoint on puzzles from a file. */
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Run a SavedModel or checkpoint on puzzles from a file.")
public final class PredictCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("trm predict: not yet available");
    return 2;
  }
}
