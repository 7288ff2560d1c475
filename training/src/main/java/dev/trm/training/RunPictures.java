package dev.trm.training;

import dev.trm.viz.LearningCurves;
import dev.trm.viz.RunMetrics;
import dev.trm.viz.StepAccuracy;
import dev.trm.viz.StepAccuracyChart;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The pictures of a run directory, redrawn from its {@code metrics.jsonl}: {@value #CURVES} (learning curves) and
 * {@value #STEP_ACCURACY} (exact accuracy per ACT step at the latest evaluation), each with an SVG beside it.
 */
public final class RunPictures {
  public static final String CURVES = "curves.png";
  public static final String STEP_ACCURACY = "accuracy_per_step.png";

  private RunPictures() {}

  /**
   * Redraws the pictures of {@code run}; returns the files written. A picture that cannot be drawn is reported on one
   * line and skipped: a training run must not fail over a chart.
   *
   * @param trainedSteps halt_max_steps, marked on the per-step chart
   */
  public static List<Path> write(RunDirectory run, int trainedSteps, java.io.PrintStream out) {
    List<Path> written = new ArrayList<>();
    try {
      RunMetrics metrics = RunMetrics.read(run.root());
      Path curves = run.root().resolve(CURVES);
      LearningCurves.write(List.of(metrics), curves);
      written.add(curves);
      StepAccuracy steps = StepAccuracy.from(metrics.lastWith(StepAccuracy.exactAt(1)));
      if (steps != null) {
        Path chart = run.root().resolve(STEP_ACCURACY);
        StepAccuracyChart.write(steps, trainedSteps, chart);
        written.add(chart);
      }
    } catch (RuntimeException e) {
      out.println("could not draw the pictures of " + run.root() + ": " + e.getMessage());
    }
    return written;
  }
}
