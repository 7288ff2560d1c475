package dev.trm.viz;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Learning curves of one or more runs: train loss, eval exact and token accuracy, learning rate and mean ACT steps,
 * each against the optimizer step (left) and the training time (right). Runs are overlaid, one colour each.
 */
public final class LearningCurves {
  /** What each row of charts shows: a title, a y label and the metrics drawn (with their legend suffixes). */
  private record Row(String title, String yLabel, List<String> metrics, List<String> suffixes) {}

  private static final List<Row> ROWS = List.of(
      new Row("train loss", "lm loss", List.of("train/lm_loss"), List.of("")),
      new Row("eval accuracy", "accuracy", List.of("eval/exact_accuracy", "eval/accuracy"),
          List.of(" exact", " token")),
      new Row("learning rate", "lr", List.of("train/lr"), List.of("")),
      new Row("mean ACT steps", "steps", List.of("train/steps", "eval/steps"), List.of(" train", " eval")));
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

  private static JFreeChart chart(List<RunMetrics> runs, Row row, String xLabel,
      ToDoubleFunction<RunMetrics.Point> x) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (RunMetrics run : runs) {
      for (int i = 0; i < row.metrics().size(); i++) {
        String key = (runs.size() > 1 ? run.name() : "") + row.suffixes().get(i);
        XYSeries series = new XYSeries(key.isBlank() ? row.metrics().get(i) : key.strip(), false, true);
        List<RunMetrics.Point> points = run.series(row.metrics().get(i));
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
    return ChartFactory.createXYLineChart(row.title(), xLabel, row.yLabel(), data, PlotOrientation.VERTICAL,
        true, false, false);
  }
}
