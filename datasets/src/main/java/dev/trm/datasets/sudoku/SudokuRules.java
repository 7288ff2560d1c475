package dev.trm.datasets.sudoku;

import java.util.Optional;

/** Checks of the Sudoku rules, returning a human-readable problem (1-based rows and columns) or empty. */
public final class SudokuRules {
  private SudokuRules() {}

  /** Empty if {@code grid} is a complete valid solution: every row, column and box holds each digit once. */
  public static Optional<String> solutionProblem(SudokuShape shape, int[] grid) {
    int n = shape.size();
    if (grid.length != shape.cells()) {
      return Optional.of("has " + grid.length + " cells, expected " + shape.cells());
    }
    int[] rows = new int[n];
    int[] cols = new int[n];
    int[] boxes = new int[n];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        int v = grid[r * n + c];
        if (v < 1 || v > n) {
          return Optional.of("cell (" + (r + 1) + "," + (c + 1) + ") holds " + v + ", not a digit 1.." + n);
        }
        int bit = 1 << v;
        int b = shape.box(r, c);
        if ((rows[r] & bit) != 0) {
          return Optional.of("digit " + v + " appears twice in row " + (r + 1));
        }
        if ((cols[c] & bit) != 0) {
          return Optional.of("digit " + v + " appears twice in column " + (c + 1));
        }
        if ((boxes[b] & bit) != 0) {
          return Optional.of("digit " + v + " appears twice in box " + (b + 1));
        }
        rows[r] |= bit;
        cols[c] |= bit;
        boxes[b] |= bit;
      }
    }
    return Optional.empty();
  }

  /** Empty if every given of {@code question} equals the same cell of {@code answer}. */
  public static Optional<String> givensProblem(SudokuShape shape, int[] question, int[] answer) {
    int n = shape.size();
    for (int i = 0; i < question.length; i++) {
      if (question[i] != 0 && question[i] != answer[i]) {
        return Optional.of("cell (" + (i / n + 1) + "," + (i % n + 1) + ") is given as " + question[i]
            + " but the answer has " + answer[i]);
      }
    }
    return Optional.empty();
  }

  /** A complete valid solution that keeps every given of the puzzle. */
  public static boolean isSolved(SudokuPuzzle p) {
    return solutionProblem(p.shape(), p.answer()).isEmpty()
        && givensProblem(p.shape(), p.question(), p.answer()).isEmpty();
  }
}
