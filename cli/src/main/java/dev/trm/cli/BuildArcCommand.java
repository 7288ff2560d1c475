package dev.trm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code trm build-dataset arc}: ARC-AGI-1/2 + ConceptARC from the task JSON folders, with dihedral and colour augmentations. */
@Command(name = "arc", mixinStandardHelpOptions = true, description = "ARC-AGI-1/2 + ConceptARC from the task JSON folders, with dihedral and colour augmentations.")
public final class BuildArcCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("trm build-dataset arc: not yet available");
    return 2;
  }
}
