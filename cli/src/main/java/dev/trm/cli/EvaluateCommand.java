package dev.trm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code trm evaluate}: Evaluate a checkpoint (exact accuracy; ARC voting with pass@k). */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Evaluate a checkpoint (exact accuracy; ARC voting with pass@k).")
public final class EvaluateCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("trm evaluate: not yet available");
    return 2;
  }
}
