package dev.trm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code trm import-torch}: Import an official PyTorch checkpoint. */
@Command(name = "import-torch", mixinStandardHelpOptions = true, description = "Import an official PyTorch checkpoint.")
public final class ImportTorchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("trm import-torch: not yet available");
    return 2;
  }
}
