package dev.trm.viz;

import dev.trm.datasets.arc.ArcCanvas;
import dev.trm.datasets.arc.ArcGrid;
import java.awt.Color;
import java.awt.Rectangle;

/**
 * ARC: the standard ten-colour palette (colour c is token c + 2), each grid cropped at its EOS border, i.e. the
 * rectangle of colour cells anchored at the canvas's top-left corner that the evaluator reads back.
 */
public record ArcStyle() implements GridStyle {
  /** Colours 0..9: black, blue, red, green, yellow, grey, magenta, orange, sky, maroon. */
  public static final Color[] PALETTE = {
    new Color(0x000000), new Color(0x0074D9), new Color(0xFF4136), new Color(0x2ECC40), new Color(0xFFDC00),
    new Color(0xAAAAAA), new Color(0xF012BE), new Color(0xFF851B), new Color(0x7FDBFF), new Color(0x870C25)
  };
  static final Color NOT_A_COLOUR = new Color(0x55, 0x55, 0x55);

  @Override
  public int side() {
    return ArcCanvas.SIDE;
  }

  @Override
  public Rectangle visible(int[] tokens) {
    ArcGrid grid = ArcCanvas.crop(tokens, 0, 0, 0);
    return new Rectangle(0, 0, grid.width(), grid.height());
  }

  @Override
  public Color fill(int token) {
    int colour = token - ArcCanvas.COLOR_OFFSET;
    return colour >= 0 && colour < PALETTE.length ? PALETTE[colour] : NOT_A_COLOUR;
  }
}
