package dev.trm.datasets.sudoku;

/**
 * The geometry of a Sudoku: a {@code size x size} grid of {@code boxRows x boxCols} boxes. Rows fall into
 * {@code size / boxRows} horizontal bands, columns into {@code size / boxCols} vertical stacks.
 */
public record SudokuShape(int size, int boxRows, int boxCols) {
  public static final SudokuShape FOUR = new SudokuShape(4, 2, 2);
  /** 6x6 with boxes of 2 rows x 3 columns. */
  public static final SudokuShape SIX = new SudokuShape(6, 2, 3);
  public static final SudokuShape NINE = new SudokuShape(9, 3, 3);

  public SudokuShape {
    if (size <= 0 || boxRows * boxCols != size || size > 9) {
      throw new IllegalArgumentException("not a Sudoku shape: size " + size + " with " + boxRows + "x" + boxCols + " boxes");
    }
  }

  /** The standard shape of side 4, 6 or 9. */
  public static SudokuShape of(int size) {
    return switch (size) {
      case 4 -> FOUR;
      case 6 -> SIX;
      case 9 -> NINE;
      default -> throw new IllegalArgumentException("Sudoku size must be 4, 6 or 9, got " + size);
    };
  }

  public int cells() {
    return size * size;
  }

  /** Tokens: PAD 0, blank 1, digits 2..size+1. */
  public int vocabSize() {
    return size + 2;
  }

  public int bands() {
    return size / boxRows;
  }

  public int stacks() {
    return size / boxCols;
  }

  /** Box index (row-major over boxes) of cell (r, c). */
  public int box(int r, int c) {
    return (r / boxRows) * stacks() + c / boxCols;
  }

  /** Transposing maps boxRows x boxCols boxes onto boxCols x boxRows boxes: a valid grid stays valid only for square boxes. */
  public boolean allowsTranspose() {
    return boxRows == boxCols;
  }

  /**
   * The fewest givens a unique-solution puzzle can have (4 for 4x4, 8 for 6x6, 17 for 9x9): below this the
   * generator could never succeed.
   */
  public int minimumGivens() {
    return switch (size) {
      case 4 -> 4;
      case 6 -> 8;
      case 9 -> 17;
      default -> 1;
    };
  }
}
