package dev.trm.viz;

/**
 * Per token of a grid: cells given in the puzzle, cells that changed since the previous ACT step, and cells that
 * disagree with the label. An array may be null when nothing of that kind is known.
 */
public record CellMarks(boolean[] given, boolean[] changed, boolean[] wrong) {
  public static final CellMarks NONE = new CellMarks(null, null, null);

  /** Cells where {@code a} and {@code b} differ, or null if either is null. */
  public static boolean[] differences(int[] a, int[] b) {
    if (a == null || b == null) {
      return null;
    }
    boolean[] d = new boolean[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] != b[i];
    }
    return d;
  }

  /** Cells of a puzzle's input that are given: Sudoku digits, i.e. tokens above 1 (0 = pad, 1 = blank). */
  public static boolean[] givens(int[] input) {
    boolean[] g = new boolean[input.length];
    for (int i = 0; i < input.length; i++) {
      g[i] = input[i] > 1;
    }
    return g;
  }

  static boolean at(boolean[] marks, int i) {
    return marks != null && marks[i];
  }
}
