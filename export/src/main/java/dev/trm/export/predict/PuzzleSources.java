package dev.trm.export.predict;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the puzzle input of {@code trm predict} by its kind: a dataset split directory, an .npy or a CSV. */
public final class PuzzleSources {
  private PuzzleSources() {}

  /**
   * @param input a dataset split (or dataset root: its test split), an integer .npy [puzzles, seq_len], or a
   *     Sudoku/Maze CSV
   * @param puzzleIds for an .npy input: an .npy of puzzle identifiers, or null for all 0
   */
  public static PuzzleSource open(Path input, Path puzzleIds) {
    if (!Files.exists(input)) {
      throw new IllegalArgumentException(input + ": no such file or directory");
    }
    if (puzzleIds != null && (Files.isDirectory(input) || !input.toString().endsWith(".npy"))) {
      throw new IllegalArgumentException("--puzzle-ids applies to an .npy input only (a dataset split has its own,"
          + " a CSV uses 0)");
    }
    if (Files.isDirectory(input)) {
      return DatasetSplitSource.open(input);
    }
    if (input.toString().endsWith(".npy")) {
      return NpyPuzzleSource.open(input, puzzleIds);
    }
    return CsvPuzzleSource.open(input);
  }
}
