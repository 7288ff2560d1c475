package dev.trm.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** Draws grids side by side, each with its title above and its caption below, into one image. */
public final class PanelStrip {
  /** Colours of the marks. */
  static final Color CHANGED = new Color(0xFF, 0xE0, 0x66);
  static final Color WRONG = new Color(0xFF, 0xA8, 0xA8);
  static final Color WRONG_FRAME = new Color(0xE0, 0x00, 0x00);
  static final Color CHANGED_FRAME = new Color(0xFF, 0xC0, 0x00);
  static final Color GIVEN_TEXT = Color.BLACK;
  static final Color ANSWER_TEXT = new Color(0x1F, 0x4E, 0xC8);
  static final Color GRID_LINE = new Color(0x99, 0x99, 0x99);

  static final int MARGIN = 12;
  static final int TEXT_ROW = 20;

  private final GridStyle style;
  private final int cellPx;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  public PanelStrip(GridStyle style, int cellPx) {
    this.style = style;
    this.cellPx = cellPx;
  }

  /** The panels in a row; every panel gets the width and height of the largest visible grid. */
  public BufferedImage render(List<GridPanel> panels) {
    int cols = 1;
    int rows = 1;
    for (GridPanel p : panels) {
      Rectangle v = style.visible(p.tokens());
      cols = Math.max(cols, v.width);
      rows = Math.max(rows, v.height);
    }
    return render(panels, cols, rows);
  }

  /** The panels in a row, each in a slot of {@code cols x rows} cells (so frames of an animation share one size). */
  public BufferedImage render(List<GridPanel> panels, int cols, int rows) {
    int slotW = Math.max(cols * cellPx, 110);
    int width = MARGIN + panels.size() * (slotW + MARGIN);
    int height = MARGIN + TEXT_ROW + rows * cellPx + TEXT_ROW + MARGIN;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      for (int i = 0; i < panels.size(); i++) {
        int x = MARGIN + i * (slotW + MARGIN);
        drawPanel(g, panels.get(i), x, MARGIN, slotW);
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  private void drawPanel(Graphics2D g, GridPanel p, int x, int y, int slotW) {
    Rectangle v = style.visible(p.tokens());
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    g.setColor(Color.BLACK);
    g.drawString(p.title(), x, y + 14);
    int gridY = y + TEXT_ROW;
    drawGrid(g, p, v, x, gridY);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setColor(Color.DARK_GRAY);
    g.drawString(p.caption(), x, gridY + Math.max(v.height, 0) * cellPx + 15);
  }

  private void drawGrid(Graphics2D g, GridPanel p, Rectangle v, int x0, int y0) {
    int side = style.side();
    int[] tokens = p.tokens();
    CellMarks m = p.marks();
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(8, cellPx * 3 / 5));
    Font givenFont = font.deriveFont(Font.BOLD);
    for (int r = 0; r < v.height; r++) {
      for (int c = 0; c < v.width; c++) {
        int i = (v.y + r) * side + v.x + c;
        int x = x0 + c * cellPx;
        int y = y0 + r * cellPx;
        boolean wrong = CellMarks.at(m.wrong(), i);
        boolean changed = CellMarks.at(m.changed(), i);
        Color fill = style.fill(tokens[i]);
        if (style.marksByBackground()) {
          fill = wrong ? WRONG : changed ? CHANGED : fill;
        }
        g.setColor(fill);
        g.fillRect(x, y, cellPx, cellPx);
        g.setColor(GRID_LINE);
        g.setStroke(new BasicStroke(1));
        g.drawRect(x, y, cellPx, cellPx);
        if (!style.marksByBackground() && (wrong || changed)) {
          int t = Math.max(2, cellPx / 6);
          g.setColor(wrong ? WRONG_FRAME : CHANGED_FRAME);
          g.setStroke(new BasicStroke(t));
          g.drawRect(x + t / 2 + 1, y + t / 2 + 1, cellPx - t - 1, cellPx - t - 1);
        }
        String text = style.text(tokens[i]);
        if (!text.isEmpty()) {
          boolean given = CellMarks.at(m.given(), i);
          g.setFont(given ? givenFont : font);
          g.setColor(given ? GIVEN_TEXT : ANSWER_TEXT);
          FontMetrics fm = g.getFontMetrics();
          g.drawString(text, x + (cellPx - fm.stringWidth(text)) / 2, y + (cellPx + fm.getAscent()) / 2 - 2);
        }
      }
    }
    style.decorate(g, v, x0, y0, cellPx);
  }
}
