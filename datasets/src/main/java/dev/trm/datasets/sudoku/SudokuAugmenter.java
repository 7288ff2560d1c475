package dev.trm.datasets.sudoku;

import dev.trm.datasets.Permutations;
import java.util.SplittableRandom;

/**
 * Draws random validity-preserving transforms, generalising the official 9x9 augmentation to any box shape:
 * a permutation of the digits; a permutation of the bands and of the rows inside each band; a permutation of the
 * stacks and of the columns inside each stack; and a transpose with probability 1/2 only when boxes are square.
 *
 * <p>Why no transpose for 6x6: its boxes are 2 rows x 3 columns, and a transpose would turn them into 3x2 boxes,
 * so a solved grid would in general break the box rule. The remaining moves keep every row, column and box a set of
 * whole rows/columns/boxes, so validity and uniqueness are preserved (a 180-degree turn is among them: reversed bands
 * and rows, reversed stacks and columns).
 */
public final class SudokuAugmenter {
  private final SudokuShape shape;

  public SudokuAugmenter(SudokuShape shape) {
    this.shape = shape;
  }

  /** A random transform drawn from {@code random}. */
  public SudokuTransform random(SplittableRandom random) {
    int n = shape.size();
    int[] digits = Permutations.random(n, random);
    int[] digitMap = new int[n + 1];
    for (int d = 1; d <= n; d++) {
      digitMap[d] = digits[d - 1] + 1;
    }
    boolean transpose = shape.allowsTranspose() && random.nextDouble() < 0.5;
    int[] rowPerm = blockPermutation(shape.bands(), shape.boxRows(), random);
    int[] colPerm = blockPermutation(shape.stacks(), shape.boxCols(), random);
    return new SudokuTransform(shape, digitMap, transpose, rowPerm, colPerm);
  }

  /** Blocks of {@code width} consecutive lines in random order, and the lines inside each block in random order. */
  private static int[] blockPermutation(int blocks, int width, SplittableRandom random) {
    int[] order = Permutations.random(blocks, random);
    int[] lines = new int[blocks * width];
    for (int b = 0; b < blocks; b++) {
      int[] inner = Permutations.random(width, random);
      for (int k = 0; k < width; k++) {
        lines[b * width + k] = order[b] * width + inner[k];
      }
    }
    return lines;
  }
}
