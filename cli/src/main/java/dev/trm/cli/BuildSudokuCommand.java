package dev.trm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code trm build-dataset sudoku}: Sudoku from a Sudoku-Extreme CSV, or generated (4x4, 6x6, 9x9). */
@Command(name = "sudoku", mixinStandardHelpOptions = true, description = "Sudoku from a Sudoku-Extreme CSV, or generated (4x4, 6x6, 9x9).")
public final class BuildSudokuCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("trm build-dataset sudoku: not yet available");
    return 2;
  }
}
