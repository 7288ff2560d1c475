package dev.trm.viz;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The pictures of one puzzle: the input, prediction and label side by side with wrong cells marked; the ACT steps
 * as a film strip (cells changed since the previous step highlighted, q_halt under each step, the step where the
 * halting head stopped named); and the same steps as an animated GIF.
 */
public final class PuzzlePictures {
  /** Paths of what {@link #write} wrote. */
  public record Written(Path summary, Path filmStrip, Path animation) {}

  private final GridStyle style;
  private final PanelStrip strip;

  public PuzzlePictures(GridStyle style, int cellPx) {
    this.style = style;
    this.strip = new PanelStrip(style, cellPx);
  }

  /** Input (and demonstrations) | prediction | label. */
  public BufferedImage summary(ActTrace t) {
    List<GridPanel> panels = demonstrations(t);
    panels.add(new GridPanel("input", t.input(), new CellMarks(CellMarks.givens(t.input()), null, null), ""));
    int[] prediction = t.prediction();
    boolean[] wrong = CellMarks.differences(prediction, t.label());
    panels.add(new GridPanel("prediction", prediction, new CellMarks(CellMarks.givens(t.input()), null, wrong),
        verdict(wrong)));
    if (t.label() != null) {
      panels.add(new GridPanel("label", t.label(), new CellMarks(CellMarks.givens(t.input()), null, null), ""));
    }
    return strip.render(panels);
  }

  /** The input, then the answer after each ACT step. */
  public BufferedImage filmStrip(ActTrace t) {
    List<GridPanel> panels = new ArrayList<>();
    panels.add(new GridPanel("input", t.input(), new CellMarks(CellMarks.givens(t.input()), null, null), ""));
    panels.addAll(stepPanels(t));
    return strip.render(panels);
  }

  /** One frame per ACT step, all of one size. */
  public List<BufferedImage> frames(ActTrace t) {
    int cols = 1;
    int rows = 1;
    List<GridPanel> steps = stepPanels(t);
    List<GridPanel> all = new ArrayList<>(steps);
    all.add(new GridPanel("", t.input(), CellMarks.NONE, ""));
    if (t.label() != null) {
      all.add(new GridPanel("", t.label(), CellMarks.NONE, ""));
    }
    for (GridPanel p : all) {
      cols = Math.max(cols, style.visible(p.tokens()).width);
      rows = Math.max(rows, style.visible(p.tokens()).height);
    }
    List<BufferedImage> frames = new ArrayList<>();
    for (GridPanel step : steps) {
      List<GridPanel> panels = new ArrayList<>();
      panels.add(new GridPanel("input", t.input(), new CellMarks(CellMarks.givens(t.input()), null, null), ""));
      panels.add(step);
      if (t.label() != null) {
        panels.add(new GridPanel("label", t.label(), new CellMarks(CellMarks.givens(t.input()), null, null), ""));
      }
      frames.add(strip.render(panels, cols, rows));
    }
    return frames;
  }

  /** Writes {@code <stem>.png}, {@code <stem>-steps.png} and {@code <stem>-steps.gif} into {@code dir}. */
  public Written write(ActTrace t, Path dir, String stem) {
    try {
      Files.createDirectories(dir);
      Path summary = dir.resolve(stem + ".png");
      Path film = dir.resolve(stem + "-steps.png");
      Path gif = dir.resolve(stem + "-steps.gif");
      ImageIO.write(summary(t), "png", summary.toFile());
      ImageIO.write(filmStrip(t), "png", film.toFile());
      AnimatedGif.write(frames(t), 700, gif);
      return new Written(summary, film, gif);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write pictures into " + dir + ": " + e.getMessage(), e);
    }
  }

  private List<GridPanel> stepPanels(ActTrace t) {
    List<GridPanel> panels = new ArrayList<>();
    int[] previous = t.input();
    boolean[] givens = CellMarks.givens(t.input());
    for (int k = 0; k < t.steps().size(); k++) {
      ActTrace.Step s = t.steps().get(k);
      int number = k + 1;
      String title = "step " + number + (number == t.haltStep() ? " (halts)" : "");
      boolean[] wrong = CellMarks.differences(s.prediction(), t.label());
      panels.add(new GridPanel(title, s.prediction(),
          new CellMarks(givens, CellMarks.differences(s.prediction(), previous), wrong),
          String.format(Locale.ROOT, "q_halt %+.2f", s.qHalt())));
      previous = s.prediction();
    }
    return panels;
  }

  private List<GridPanel> demonstrations(ActTrace t) {
    List<GridPanel> panels = new ArrayList<>();
    int n = 1;
    for (int[][] pair : t.demonstrations()) {
      panels.add(new GridPanel("demo " + n + " in", pair[0], CellMarks.NONE, ""));
      panels.add(new GridPanel("demo " + n + " out", pair[1], CellMarks.NONE, ""));
      n++;
    }
    return panels;
  }

  private static String verdict(boolean[] wrong) {
    if (wrong == null) {
      return "";
    }
    int n = 0;
    for (boolean w : wrong) {
      n += w ? 1 : 0;
    }
    return n == 0 ? "correct" : n + " wrong";
  }
}
