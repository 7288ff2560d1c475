package dev.trm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code trm serve}: Serve SavedModels over TF Serving's REST API. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve SavedModels over TF Serving's REST API.")
public final class ServeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("trm serve: not yet available");
    return 2;
  }
}
