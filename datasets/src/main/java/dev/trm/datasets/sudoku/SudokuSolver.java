package dev.trm.datasets.sudoku;

import dev.trm.datasets.Permutations;
import java.util.SplittableRandom;

/**
 * A backtracking solver on bitmasks: one candidate mask per row, column and box, always branching on the empty
 * cell with the fewest candidates (which also fills forced cells first). Counts solutions up to a limit, which is
 * all uniqueness needs, and fills empty grids at random for the generator.
 */
public final class SudokuSolver {
  private final SudokuShape shape;
  private final int n;
  private final int[] cells;
  private final int[] rowUsed;
  private final int[] colUsed;
  private final int[] boxUsed;
  private final int[] boxOf;
  private final SplittableRandom random;
  private int[] firstSolution;

  private SudokuSolver(SudokuShape shape, int[] board, SplittableRandom random) {
    this.shape = shape;
    this.n = shape.size();
    this.cells = board.clone();
    this.rowUsed = new int[n];
    this.colUsed = new int[n];
    this.boxUsed = new int[n];
    this.boxOf = new int[shape.cells()];
    this.random = random;
    for (int i = 0; i < cells.length; i++) {
      boxOf[i] = shape.box(i / n, i % n);
    }
  }

  /** Solutions of {@code board} (0 = blank), counting stops at {@code limit}. Conflicting givens give 0. */
  public static int countSolutions(SudokuShape shape, int[] board, int limit) {
    SudokuSolver s = new SudokuSolver(shape, board, null);
    return s.placeGivens() ? s.search(limit) : 0;
  }

  /** True if {@code board} has exactly one solution. */
  public static boolean hasUniqueSolution(SudokuShape shape, int[] board) {
    return countSolutions(shape, board, 2) == 1;
  }

  /** The first solution found, or null if there is none. */
  public static int[] solve(SudokuShape shape, int[] board) {
    SudokuSolver s = new SudokuSolver(shape, board, null);
    if (!s.placeGivens() || s.search(1) == 0) {
      return null;
    }
    return s.firstSolution;
  }

  /** A random complete grid: the search over an empty grid, trying digits in shuffled order. */
  public static int[] randomSolution(SudokuShape shape, SplittableRandom random) {
    SudokuSolver s = new SudokuSolver(shape, new int[shape.cells()], random);
    s.search(1);
    return s.firstSolution;
  }

  private boolean placeGivens() {
    for (int i = 0; i < cells.length; i++) {
      int v = cells[i];
      if (v == 0) {
        continue;
      }
      int bit = 1 << v;
      if (((rowUsed[i / n] | colUsed[i % n] | boxUsed[boxOf[i]]) & bit) != 0) {
        return false;
      }
      set(i, bit);
    }
    return true;
  }

  private int search(int limit) {
    int best = -1;
    int bestMask = 0;
    int bestCount = Integer.MAX_VALUE;
    for (int i = 0; i < cells.length; i++) {
      if (cells[i] != 0) {
        continue;
      }
      int mask = candidates(i);
      int count = Integer.bitCount(mask);
      if (count < bestCount) {
        best = i;
        bestMask = mask;
        bestCount = count;
        if (count <= 1) {
          break;
        }
      }
    }
    if (best < 0) {
      if (firstSolution == null) {
        firstSolution = cells.clone();
      }
      return 1;
    }
    int found = 0;
    int[] digits = digitsOf(bestMask);
    for (int d : digits) {
      int bit = 1 << d;
      cells[best] = d;
      set(best, bit);
      found += search(limit - found);
      clear(best, bit);
      cells[best] = 0;
      if (found >= limit) {
        break;
      }
    }
    return found;
  }

  /** The digits of a candidate mask, shuffled when generating. */
  private int[] digitsOf(int mask) {
    int[] digits = new int[Integer.bitCount(mask)];
    for (int k = 0, m = mask; m != 0; m &= m - 1) {
      digits[k++] = Integer.numberOfTrailingZeros(m);
    }
    if (random != null) {
      Permutations.shuffle(digits, random);
    }
    return digits;
  }

  private int candidates(int i) {
    int all = ((1 << (n + 1)) - 1) & ~1; // bits 1..n
    return all & ~(rowUsed[i / n] | colUsed[i % n] | boxUsed[boxOf[i]]);
  }

  private void set(int i, int bit) {
    rowUsed[i / n] |= bit;
    colUsed[i % n] |= bit;
    boxUsed[boxOf[i]] |= bit;
  }

  private void clear(int i, int bit) {
    rowUsed[i / n] &= ~bit;
    colUsed[i % n] &= ~bit;
    boxUsed[boxOf[i]] &= ~bit;
  }

  @Override
  public String toString() {
    return "SudokuSolver(" + shape + ")";
  }
}
