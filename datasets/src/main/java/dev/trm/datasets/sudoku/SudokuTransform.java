package dev.trm.datasets.sudoku;

/**
 * One validity-preserving relabelling of a Sudoku, applied as the official builder does: transpose first (if set),
 * then {@code out[r][c] = in[rowPerm[r]][colPerm[c]]}, then the digit map (blank stays blank).
 *
 * @param digitMap {@code digitMap[d]} replaces digit d; {@code digitMap[0] = 0}
 */
public record SudokuTransform(SudokuShape shape, int[] digitMap, boolean transpose, int[] rowPerm, int[] colPerm) {
  public SudokuTransform {
    digitMap = digitMap.clone();
    rowPerm = rowPerm.clone();
    colPerm = colPerm.clone();
  }

  /** The transformed copy of a row-major board (0 = blank). */
  public int[] apply(int[] board) {
    int n = shape.size();
    int[] out = new int[board.length];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        int src = transpose ? colPerm[c] * n + rowPerm[r] : rowPerm[r] * n + colPerm[c];
        out[r * n + c] = digitMap[board[src]];
      }
    }
    return out;
  }

  /** The same transform of question and answer. */
  public SudokuPuzzle apply(SudokuPuzzle p) {
    return new SudokuPuzzle(shape, apply(p.question()), apply(p.answer()));
  }
}
