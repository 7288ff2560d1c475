package dev.trm.datasets.sudoku;

/**
 * What to generate (mirrors the config's {@code generate_sudoku} block, which datasets cannot see).
 *
 * @param size 4, 6 or 9
 * @param givens clues per puzzle; every puzzle has a unique solution
 * @param trainPuzzles distinct base puzzles in train, one group each
 * @param testPuzzles held-out puzzles, distinct from every train puzzle
 * @param augmentations validity-preserving shuffles per train puzzle, each its own puzzle in the original's group
 */
public record SudokuGenerationSpec(int size, int givens, int trainPuzzles, int testPuzzles, int augmentations, long seed) {
  public SudokuGenerationSpec {
    SudokuShape shape = SudokuShape.of(size);
    if (givens < shape.minimumGivens() || givens > shape.cells()) {
      throw new IllegalArgumentException("givens for a " + size + "x" + size + " Sudoku must be in ["
          + shape.minimumGivens() + ", " + shape.cells() + "], got " + givens);
    }
    if (trainPuzzles <= 0 || testPuzzles <= 0 || augmentations < 0) {
      throw new IllegalArgumentException("train and test puzzles must be positive and augmentations >= 0, got "
          + trainPuzzles + ", " + testPuzzles + ", " + augmentations);
    }
  }
}
