package dev.trm.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/** Exact accuracy after each ACT step with its Wilson 95% interval, the trained depth marked. */
public final class StepAccuracyChart {
  private StepAccuracyChart() {}

  /**
   * Draws {@code accuracy} to {@code png} and the .svg beside it.
   *
   * @param trainedSteps the model's halt_max_steps, marked with a line
   */
  public static void write(StepAccuracy accuracy, int trainedSteps, Path png) {
    YIntervalSeries series = new YIntervalSeries("exact accuracy (95% Wilson interval)");
    for (int k = 1; k <= accuracy.steps(); k++) {
      WilsonInterval ci = accuracy.interval(k);
      series.add(k, accuracy.accuracy(k), ci.low(), ci.high());
    }
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    data.addSeries(series);
    NumberAxis steps = new NumberAxis("ACT step");
    steps.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    steps.setRange(0.5, accuracy.steps() + 0.5);
    NumberAxis exact = new NumberAxis("exact accuracy");
    exact.setRange(0, 1);
    XYErrorRenderer renderer = new XYErrorRenderer();
    renderer.setDefaultLinesVisible(true);
    renderer.setDrawXError(false);
    XYPlot plot = new XYPlot(data, steps, exact, renderer);
    ValueMarker depth = new ValueMarker(trainedSteps, Color.GRAY, new BasicStroke(1.5f));
    depth.setLabel("trained depth");
    plot.addDomainMarker(depth);
    JFreeChart chart = new JFreeChart("Accuracy per ACT step", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.addSubtitle(new TextTitle(String.format(Locale.ROOT,
        "%.0f examples; the halting head stopped %.0f of them by itself, %.1f%% %s on a correct answer",
        accuracy.count(), accuracy.halted(), 100 * accuracy.haltedAccuracy(), accuracy.haltedInterval())));
    ChartFiles.whiteBackground(chart);
    ChartFiles.write(List.of(chart), 1, 760, 420, png);
  }
}
