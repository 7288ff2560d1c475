package dev.trm.datasets.arc;

import java.util.Arrays;

/**
 * The official ARC token layout: a grid on a 30x30 canvas, flattened row-major into 900 tokens.
 *
 * <p>Tokens: PAD 0, EOS 1, colour c as c + 2. A grid placed at (row0, col0) has EOS in the row just below it (over its
 * columns) and in the column just right of it (over its rows), each only where it stays on the canvas; the corner
 * diagonal to the grid stays PAD. The EOS borders are what the model predicts to give the output size.
 */
public final class ArcCanvas {
  /** Side of the canvas. */
  public static final int SIDE = ArcGrid.MAX_SIDE;
  /** Tokens per grid (the dataset's seq_len). */
  public static final int SEQ_LEN = SIDE * SIDE;
  /** PAD, EOS and the 10 colours. */
  public static final int VOCAB_SIZE = 2 + ArcGrid.NUM_COLORS;
  public static final int PAD = 0;
  public static final int EOS = 1;
  /** Token of colour 0; colour c is {@code COLOR_OFFSET + c}. */
  public static final int COLOR_OFFSET = 2;

  private ArcCanvas() {}

  /**
   * Writes {@code grid} placed at (row0, col0) into {@code dst[0..900)}, which is cleared first.
   *
   * @throws IllegalArgumentException if the grid does not fit at that offset
   */
  public static void encode(ArcGrid grid, int row0, int col0, int[] dst) {
    int h = grid.height();
    int w = grid.width();
    if (row0 < 0 || col0 < 0 || row0 + h > SIDE || col0 + w > SIDE) {
      throw new IllegalArgumentException("a " + h + "x" + w + " grid does not fit the canvas at (" + row0 + ", " + col0
          + ")");
    }
    Arrays.fill(dst, 0, SEQ_LEN, PAD);
    int[] cells = grid.cells();
    for (int r = 0; r < h; r++) {
      int base = (row0 + r) * SIDE + col0;
      for (int c = 0; c < w; c++) {
        dst[base + c] = cells[r * w + c] + COLOR_OFFSET;
      }
      if (col0 + w < SIDE) {
        dst[base + w] = EOS;
      }
    }
    if (row0 + h < SIDE) {
      Arrays.fill(dst, (row0 + h) * SIDE + col0, (row0 + h) * SIDE + col0 + w, EOS);
    }
  }

  /** The 900 tokens of {@code grid} placed at (row0, col0). */
  public static int[] encode(ArcGrid grid, int row0, int col0) {
    int[] tokens = new int[SEQ_LEN];
    encode(grid, row0, col0, tokens);
    return tokens;
  }

  /**
   * The grid read back from the 900 tokens at {@code tokens[offset..offset+900)}, anchored at (row0, col0): the largest
   * rectangle (by area, the first one on ties) whose cells are all colour tokens, found by the official row scan in
   * which each row may only narrow the width. {@link ArcGrid#EMPTY} if the anchor cell is not a colour.
   */
  public static ArcGrid crop(int[] tokens, int offset, int row0, int col0) {
    int bestArea = 0;
    int bestRows = 0;
    int bestCols = 0;
    int cols = SIDE - col0;
    for (int rows = 1; rows <= SIDE - row0; rows++) {
      int base = offset + (row0 + rows - 1) * SIDE + col0;
      for (int c = 0; c < cols; c++) {
        if (!isColor(tokens[base + c])) {
          cols = c;
          break;
        }
      }
      if (rows * cols > bestArea) {
        bestArea = rows * cols;
        bestRows = rows;
        bestCols = cols;
      }
    }
    if (bestArea == 0) {
      return ArcGrid.EMPTY;
    }
    int[] cells = new int[bestArea];
    for (int r = 0; r < bestRows; r++) {
      int base = offset + (row0 + r) * SIDE + col0;
      for (int c = 0; c < bestCols; c++) {
        cells[r * bestCols + c] = tokens[base + c] - COLOR_OFFSET;
      }
    }
    return ArcGrid.trusted(bestRows, bestCols, cells);
  }

  private static boolean isColor(int token) {
    return token >= COLOR_OFFSET && token < VOCAB_SIZE;
  }
}
