package dev.trm.datasets.sudoku;

import dev.trm.datasets.Permutations;
import java.util.SplittableRandom;

/**
 * Seeded generator of unique-solution puzzles with an exact number of givens: draw a random complete grid, then
 * blank cells in random order, keeping a blank only while the solution stays unique, until {@code givens} remain.
 * A grid that gets stuck above {@code givens} is discarded and a new one drawn.
 */
public final class SudokuGenerator {
  /** Fresh grids tried for one puzzle before giving up (reaching the target is rare only near the minimum). */
  static final int MAX_ATTEMPTS = 2000;

  private final SudokuShape shape;
  private final int givens;
  private final SplittableRandom random;

  public SudokuGenerator(SudokuShape shape, int givens, long seed) {
    if (givens < shape.minimumGivens() || givens > shape.cells()) {
      throw new IllegalArgumentException("givens for " + shape.size() + "x" + shape.size() + " Sudoku must be in ["
          + shape.minimumGivens() + ", " + shape.cells() + "], got " + givens);
    }
    this.shape = shape;
    this.givens = givens;
    this.random = new SplittableRandom(seed);
  }

  /** The next puzzle: exactly {@code givens} clues and exactly one solution. */
  public SudokuPuzzle next() {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      int[] solution = SudokuSolver.randomSolution(shape, random);
      int[] puzzle = carve(solution);
      if (puzzle != null) {
        return new SudokuPuzzle(shape, puzzle, solution);
      }
    }
    throw new IllegalStateException("no " + shape.size() + "x" + shape.size() + " puzzle with a unique solution and "
        + givens + " givens after " + MAX_ATTEMPTS + " grids; ask for more givens");
  }

  /** Blanks cells of {@code solution} down to {@code givens} keeping uniqueness, or null if it gets stuck. */
  private int[] carve(int[] solution) {
    int[] puzzle = solution.clone();
    int[] order = Permutations.random(puzzle.length, random);
    int clues = puzzle.length;
    for (int k = 0; k < order.length && clues > givens; k++) {
      int cell = order[k];
      int value = puzzle[cell];
      puzzle[cell] = 0;
      if (SudokuSolver.hasUniqueSolution(shape, puzzle)) {
        clues--;
      } else {
        puzzle[cell] = value;
      }
    }
    return clues == givens ? puzzle : null;
  }
}
