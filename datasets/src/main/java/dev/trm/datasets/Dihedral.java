package dev.trm.datasets;

/**
 * The 8 symmetries of a rectangle grid, numbered as the official builders' {@code dihedral_transform} (numpy
 * semantics on row-major {@code [rows, cols]} grids). Transforms 1, 3, 6 and 7 swap the grid's sides.
 */
public enum Dihedral {
  /** 0: unchanged. */
  IDENTITY,
  /** 1: {@code np.rot90(a, 1)}, a quarter turn counter-clockwise. */
  ROT90,
  /** 2: {@code np.rot90(a, 2)}. */
  ROT180,
  /** 3: {@code np.rot90(a, 3)}, a quarter turn clockwise. */
  ROT270,
  /** 4: {@code np.fliplr(a)}. */
  FLIP_LR,
  /** 5: {@code np.flipud(a)}. */
  FLIP_UD,
  /** 6: {@code a.T}. */
  TRANSPOSE,
  /** 7: {@code np.fliplr(np.rot90(a))}, the anti-diagonal reflection. */
  ANTI_TRANSPOSE;

  private static final Dihedral[] BY_ID = values();
  private static final int[] INVERSE = {0, 3, 2, 1, 4, 5, 6, 7};

  /** The transform with official id {@code id} (0..7). */
  public static Dihedral of(int id) {
    if (id < 0 || id >= BY_ID.length) {
      throw new IllegalArgumentException("dihedral id must be 0..7, got " + id);
    }
    return BY_ID[id];
  }

  /** The official id, 0..7. */
  public int id() {
    return ordinal();
  }

  /** The transform that undoes this one. */
  public Dihedral inverse() {
    return BY_ID[INVERSE[ordinal()]];
  }

  /** True if the result of a {@code rows x cols} grid is {@code cols x rows}. */
  public boolean swapsSides() {
    return this == ROT90 || this == ROT270 || this == TRANSPOSE || this == ANTI_TRANSPOSE;
  }

  /**
   * Applies the transform to a row-major {@code rows x cols} grid; the result is row-major with
   * {@code swapsSides() ? cols : rows} rows.
   */
  public int[] apply(int[] grid, int rows, int cols) {
    if (grid.length != rows * cols) {
      throw new IllegalArgumentException("grid has " + grid.length + " cells, not " + rows + "x" + cols);
    }
    int outRows = swapsSides() ? cols : rows;
    int outCols = swapsSides() ? rows : cols;
    int[] out = new int[grid.length];
    for (int i = 0; i < outRows; i++) {
      for (int j = 0; j < outCols; j++) {
        out[i * outCols + j] = grid[sourceIndex(i, j, rows, cols)];
      }
    }
    return out;
  }

  /** Row-major index in the source grid of output cell (i, j). */
  private int sourceIndex(int i, int j, int rows, int cols) {
    return switch (this) {
      case IDENTITY -> i * cols + j;
      case ROT90 -> j * cols + (cols - 1 - i);
      case ROT180 -> (rows - 1 - i) * cols + (cols - 1 - j);
      case ROT270 -> (rows - 1 - j) * cols + i;
      case FLIP_LR -> i * cols + (cols - 1 - j);
      case FLIP_UD -> (rows - 1 - i) * cols + j;
      case TRANSPOSE -> j * cols + i;
      case ANTI_TRANSPOSE -> (rows - 1 - j) * cols + (cols - 1 - i);
    };
  }
}
