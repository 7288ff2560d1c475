package dev.trm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code trm build-dataset maze}: Mazes from the official CSV layout, or generated 30x30 hard mazes. */
@Command(name = "maze", mixinStandardHelpOptions = true, description = "Mazes from the official CSV layout, or generated 30x30 hard mazes.")
public final class BuildMazeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("trm build-dataset maze: not yet available");
    return 2;
  }
}
