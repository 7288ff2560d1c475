package dev.trm.viz;

import dev.trm.datasets.sudoku.SudokuShape;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;

/** Sudoku: digits on white, tokens 0 = pad, 1 = blank, 2.. = digits 1..; the boxes drawn with thick lines. */
public record SudokuStyle(SudokuShape shape) implements GridStyle {
  static final Color BOX_LINE = Color.BLACK;

  @Override
  public int side() {
    return shape.size();
  }

  @Override
  public Color fill(int token) {
    return Color.WHITE;
  }

  @Override
  public String text(int token) {
    return token >= 2 ? Integer.toString(token - 1) : "";
  }

  @Override
  public boolean marksByBackground() {
    return true;
  }

  @Override
  public void decorate(Graphics2D g, Rectangle visible, int x, int y, int cellPx) {
    g.setColor(BOX_LINE);
    g.setStroke(new BasicStroke(3));
    int n = shape.size();
    for (int r = 0; r <= n; r += shape.boxRows()) {
      g.drawLine(x, y + r * cellPx, x + n * cellPx, y + r * cellPx);
    }
    for (int c = 0; c <= n; c += shape.boxCols()) {
      g.drawLine(x + c * cellPx, y, x + c * cellPx, y + n * cellPx);
    }
  }
}
