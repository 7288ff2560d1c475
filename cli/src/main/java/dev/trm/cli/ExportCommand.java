package dev.trm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code trm export}: Export a checkpoint as a TF Serving SavedModel. */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Export a checkpoint as a TF Serving SavedModel.")
public final class ExportCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("trm export: not yet available");
    return 2;
  }
}
