package dev.trm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code trm train}: Train TRM from a config; evaluate and checkpoint as it goes. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train TRM from a config; evaluate and checkpoint as it goes.")
public final class TrainCommand implements Callable<Integer> {
  @picocli.CommandLine.Option(names = "--export", description = "Export a SavedModel at the end.")
  boolean export;

  @Override
  public Integer call() {
    System.err.println("trm train: not yet available");
    return 2;
  }
}
