package dev.trm.cli;

import dev.trm.viz.StepAccuracy;
import dev.trm.viz.WilsonInterval;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Prints an evaluation's metrics: each scalar, a Wilson 95% interval beside each {@code eval/} accuracy (over the
 * scored examples), then the exact accuracy after each ACT step and how often the halting head stopped on a
 * correct answer.
 */
final class EvaluationReport {
  private EvaluationReport() {}

  static void print(Map<String, Double> metrics, PrintStream out) {
    double count = metrics.getOrDefault(StepAccuracy.COUNT, 0.0);
    StepAccuracy steps = StepAccuracy.from(metrics);
    Map<String, Double> perStep = steps == null ? Map.of() : steps.metrics();
    metrics.forEach((k, v) -> {
      if (perStep.containsKey(k)) {
        return;
      }
      String interval = k.startsWith("eval/") && k.contains("accuracy") ? "  95% " + WilsonInterval.of95(v * count,
          count) : "";
      out.printf(Locale.ROOT, "  %-22s %.4f%s%n", k, v, interval);
    });
    if (steps == null) {
      return;
    }
    out.println("exact accuracy after each ACT step (95% Wilson interval):");
    for (int k = 1; k <= steps.steps(); k++) {
      out.printf(Locale.ROOT, "  step %2d  %6.2f%%  %s%n", k, 100 * steps.accuracy(k), steps.interval(k));
    }
    out.printf(Locale.ROOT, "the halting head stopped %.0f of %.0f examples by itself; %.2f%% %s of them on a "
        + "correct answer%n", steps.halted(), steps.count(), 100 * steps.haltedAccuracy(), steps.haltedInterval());
  }
}
