package dev.trm.datasets.arc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable ARC grid: 1..30 rows by 1..30 columns of colours 0..9, stored row-major.
 *
 * <p>Equality is by shape and cells, so a grid can key a map directly: the evaluator votes on grids themselves instead
 * of on hashes of them.
 */
public final class ArcGrid {
  /** Largest height and width of an ARC grid (and the side of the encoding canvas). */
  public static final int MAX_SIDE = 30;
  /** Number of ARC colours (0..9). */
  public static final int NUM_COLORS = 10;
  /**
   * The 0x0 grid: what cropping yields when a prediction does not start with a colour. It never equals a real grid,
   * and it is rendered as {@code []}.
   */
  public static final ArcGrid EMPTY = new ArcGrid(0, 0, new int[0]);

  private final int height;
  private final int width;
  private final int[] cells;
  /** Computed on first use: most grids are transient (augmented, encoded, dropped) and never hashed. */
  private int hash;

  private ArcGrid(int height, int width, int[] cells) {
    this.height = height;
    this.width = width;
    this.cells = cells;
  }

  /**
   * A grid from its rows, as in task JSON.
   *
   * @throws IllegalArgumentException if the rows are ragged, a side is outside 1..30 or a colour is outside 0..9
   */
  public static ArcGrid of(int[][] rows) {
    int height = rows.length;
    int width = height == 0 ? 0 : rows[0].length;
    if (height < 1 || height > MAX_SIDE || width < 1 || width > MAX_SIDE) {
      throw new IllegalArgumentException("grid is " + height + "x" + width + "; each side must be 1.." + MAX_SIDE);
    }
    int[] cells = new int[height * width];
    for (int r = 0; r < height; r++) {
      if (rows[r].length != width) {
        throw new IllegalArgumentException("grid is not rectangular: row 0 has " + width + " cells, row " + r + " has "
            + rows[r].length);
      }
      for (int c = 0; c < width; c++) {
        int v = rows[r][c];
        if (v < 0 || v >= NUM_COLORS) {
          throw new IllegalArgumentException("grid cell (" + r + ", " + c + ") has colour " + v + "; colours are 0..9");
        }
        cells[r * width + c] = v;
      }
    }
    return new ArcGrid(height, width, cells);
  }

  /** A grid built in this package from row-major cells known to be valid; takes ownership of {@code cells}. */
  static ArcGrid trusted(int height, int width, int[] cells) {
    return new ArcGrid(height, width, cells);
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  /** The colour at (row, col). */
  public int get(int row, int col) {
    return cells[row * width + col];
  }

  /** The grid as a list of rows, the shape JSON writers expect. */
  public List<List<Integer>> toRows() {
    List<List<Integer>> rows = new ArrayList<>(height);
    for (int r = 0; r < height; r++) {
      List<Integer> row = new ArrayList<>(width);
      for (int c = 0; c < width; c++) {
        row.add(cells[r * width + c]);
      }
      rows.add(row);
    }
    return rows;
  }

  /** Row-major cells, shared: callers in this package must not modify them. */
  int[] cells() {
    return cells;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ArcGrid g && g.height == height && g.width == width && Arrays.equals(g.cells, cells);
  }

  @Override
  public int hashCode() {
    if (hash == 0) {
      hash = 31 * (31 * height + width) + Arrays.hashCode(cells);
    }
    return hash;
  }

  /** Rows of digits separated by '/', e.g. {@code 012/340}. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(height * (width + 1));
    for (int r = 0; r < height; r++) {
      if (r > 0) {
        s.append('/');
      }
      for (int c = 0; c < width; c++) {
        s.append((char) ('0' + cells[r * width + c]));
      }
    }
    return s.toString();
  }
}
