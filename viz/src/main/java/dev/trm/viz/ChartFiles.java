package dev.trm.viz;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGUtils;

/**
 * Writes charts laid out in a grid as PNG (the JDK's image writer) and as SVG (JFreeSVG): both are drawn by the
 * same JFreeChart calls onto a {@link Graphics2D}.
 */
public final class ChartFiles {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  private ChartFiles() {}

  /** Writes {@code charts} row by row, {@code columns} to a row, each {@code w x h} pixels, to {@code png} and .svg. */
  public static void write(List<JFreeChart> charts, int columns, int w, int h, Path png) {
    int rows = (charts.size() + columns - 1) / columns;
    int width = columns * w;
    int height = rows * h;
    try {
      Path parent = png.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = image.createGraphics();
      try {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        draw(g, charts, columns, w, h, width, height);
      } finally {
        g.dispose();
      }
      ImageIO.write(image, "png", png.toFile());
      SVGGraphics2D svg = new SVGGraphics2D(width, height);
      draw(svg, charts, columns, w, h, width, height);
      SVGUtils.writeToSVG(svgOf(png).toFile(), svg.getSVGElement());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
    }
  }

  /** A white plot area with light grid lines, for charts that are printed and put in READMEs. */
  static void whiteBackground(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.getPlot().setBackgroundPaint(Color.WHITE);
    if (chart.getPlot() instanceof org.jfree.chart.plot.XYPlot xy) {
      xy.setDomainGridlinePaint(Color.LIGHT_GRAY);
      xy.setRangeGridlinePaint(Color.LIGHT_GRAY);
    }
  }

  /** The SVG beside a PNG: {@code x.png} -> {@code x.svg}. */
  public static Path svgOf(Path png) {
    String name = png.getFileName().toString();
    boolean pngName = name.toLowerCase(java.util.Locale.ROOT).endsWith(".png");
    String stem = pngName ? name.substring(0, name.length() - 4) : name;
    return png.resolveSibling(stem + ".svg");
  }

  private static void draw(Graphics2D g, List<JFreeChart> charts, int columns, int w, int h, int width, int height) {
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    for (int i = 0; i < charts.size(); i++) {
      charts.get(i).draw(g, new Rectangle2D.Double((i % columns) * w, (i / columns) * h, w, h));
    }
  }
}
