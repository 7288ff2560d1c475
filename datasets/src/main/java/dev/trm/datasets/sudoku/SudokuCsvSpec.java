package dev.trm.datasets.sudoku;

import java.nio.file.Path;

/**
 * A Sudoku dataset built from CSV files (the Sudoku-Extreme layout).
 *
 * @param input the train CSV
 * @param testInput a separate test CSV, or null to use the rows of {@code input} not chosen for train
 * @param subsample train puzzles drawn (seeded) from {@code input}; 0 = all rows (then {@code testInput} is required)
 * @param augmentations shuffles per train puzzle (the official recipe uses 1000)
 * @param testSize test puzzles drawn (seeded) from the test pool; 0 = all of it
 */
public record SudokuCsvSpec(Path input, Path testInput, int subsample, int augmentations, int testSize, long seed) {
  public SudokuCsvSpec {
    if (subsample < 0 || augmentations < 0 || testSize < 0) {
      throw new IllegalArgumentException("subsample, augmentations and test size must be >= 0");
    }
    if (subsample == 0 && testInput == null) {
      throw new IllegalArgumentException("using every row of " + input + " for train leaves no test puzzles: "
          + "give a subsample size or a test CSV");
    }
  }
}
