package dev.trm.viz;

import dev.trm.datasets.arc.ArcCanvas;
import dev.trm.datasets.maze.MazeCodec;
import dev.trm.datasets.sudoku.SudokuShape;
import java.awt.Color;
import java.awt.Rectangle;

/**
 * How one puzzle kind looks: the tokens of a puzzle form a {@code side x side} grid; a style says which part of it
 * is drawn, each cell's colour and text, and what is drawn on top (a Sudoku's boxes).
 */
public interface GridStyle {
  /** Cells per row and column of the full token grid. */
  int side();

  /** The part of the grid to draw (cells); all of it unless the kind crops. */
  default Rectangle visible(int[] tokens) {
    return new Rectangle(0, 0, side(), side());
  }

  /** The cell's background for {@code token}. */
  Color fill(int token);

  /** The cell's text for {@code token} ("" for none). */
  default String text(int token) {
    return "";
  }

  /** Whether changed and wrong cells are shown by their background (text grids) rather than a frame (colour grids). */
  default boolean marksByBackground() {
    return false;
  }

  /** Lines drawn over the cells of {@code visible}, whose top-left cell is at pixel (x, y). */
  default void decorate(java.awt.Graphics2D g, Rectangle visible, int x, int y, int cellPx) {}

  /** The style of a dataset by its sequence length and vocabulary; a clear error if no kind has that shape. */
  static GridStyle of(int seqLen, int vocab) {
    for (int size : new int[] {4, 6, 9}) {
      SudokuShape shape = SudokuShape.of(size);
      if (seqLen == shape.cells() && vocab == shape.vocabSize()) {
        return new SudokuStyle(shape);
      }
    }
    int side = (int) Math.round(Math.sqrt(seqLen));
    if (side * side == seqLen && vocab == MazeCodec.VOCAB_SIZE) {
      return new MazeStyle(side);
    }
    if (seqLen == ArcCanvas.SEQ_LEN && vocab == ArcCanvas.VOCAB_SIZE) {
      return new ArcStyle();
    }
    throw new IllegalArgumentException("puzzles of " + seqLen + " tokens with a vocabulary of " + vocab
        + " are neither Sudoku (4x4, 6x6, 9x9), Maze nor ARC");
  }
}
