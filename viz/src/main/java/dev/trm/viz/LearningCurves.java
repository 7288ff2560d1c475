package dev.trm.viz;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Learning curves of one or more runs: train loss, eval exact and token accuracy, learning rate and mean ACT steps,
 * each against the optimizer step (left) and the training time (right). Runs are overlaid, one colour each.
 */
public final class LearningCurves {
  /**
   * What each row of charts shows: a title, a y label and the metrics drawn (with their legend suffixes). With
   * {@code skipZeros}, zero values are left out: {@code train/steps} is the mean over the examples that halted in
   * that step, and 0 when none did.
   */
  private record Row(String title, String yLabel, List<String> metrics, List<String> suffixes, boolean skipZeros) {}

  private static final List<Row> ROWS = List.of(
      new Row("train loss", "lm loss", List.of("train/lm_loss"), List.of(""), false),
      new Row("eval accuracy", "accuracy", List.of("eval/exact_accuracy", "eval/accuracy"),
          List.of(" exact", " token"), false),
      new Row("learning rate", "lr", List.of("train/lr"), List.of(""), false),
      new Row("mean ACT steps", "steps", List.of("train/steps", "eval/steps"), List.of(" train", " eval"), true));
  /** Series with fewer points than this (evaluations) are drawn with a marker at each point. */
  static final int MARKED_BELOW = 60;
  /** Long runs log a training line per step: at most this many points per curve (means of equal buckets). */
  static final int MAX_POINTS = 600;

  private LearningCurves() {}

  /** Draws the curves of {@code runs} to {@code png} and the .svg beside it. */
  public static void write(List<RunMetrics> runs, Path png) {
    List<JFreeChart> charts = new ArrayList<>();
    for (Row row : ROWS) {
      charts.add(chart(runs, row, "step", p -> p.step()));
      charts.add(chart(runs, row, "training time (s)", RunMetrics.Point::seconds));
    }
    ChartFiles.write(charts, 2, 560, 300, png);
  }

  /** The run's name in legends: none for a single run, its directory's name, numbered if two runs share it. */
  private static String legendName(List<RunMetrics> runs, int r) {
    if (runs.size() == 1) {
      return "";
    }
    String name = runs.get(r).name();
    boolean shared = runs.stream().filter(x -> x.name().equals(name)).count() > 1;
    return shared ? name + " #" + (r + 1) : name;
  }

  private static JFreeChart chart(List<RunMetrics> runs, Row row, String xLabel,
      ToDoubleFunction<RunMetrics.Point> x) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (int r = 0; r < runs.size(); r++) {
      RunMetrics run = runs.get(r);
      for (int i = 0; i < row.metrics().size(); i++) {
        String key = legendName(runs, r) + row.suffixes().get(i);
        XYSeries series = new XYSeries(key.isBlank() ? row.metrics().get(i) : key.strip(), false, true);
        List<RunMetrics.Point> points = run.series(row.metrics().get(i)).stream()
            .filter(p -> !(row.skipZeros() && p.value() == 0)).toList();
        int bucket = Math.max(1, (points.size() + MAX_POINTS - 1) / MAX_POINTS);
        for (int start = 0; start < points.size(); start += bucket) {
          List<RunMetrics.Point> b = points.subList(start, Math.min(points.size(), start + bucket));
          double xs = x.applyAsDouble(b.get(b.size() - 1));
          if (Double.isFinite(xs)) {
            series.add(xs, b.stream().mapToDouble(RunMetrics.Point::value).average().orElse(Double.NaN));
          }
        }
        data.addSeries(series);
      }
    }
    JFreeChart chart = ChartFactory.createXYLineChart(row.title(), xLabel, row.yLabel(), data,
        PlotOrientation.VERTICAL, true, false, false);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
    for (int s = 0; s < data.getSeriesCount(); s++) {
      renderer.setSeriesShapesVisible(s, data.getItemCount(s) < MARKED_BELOW);
    }
    chart.getXYPlot().setRenderer(renderer);
    ChartFiles.whiteBackground(chart);
    return chart;
  }
}
