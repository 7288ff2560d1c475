package dev.trm.viz;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exact accuracy after each ACT step 1..N of an evaluation, and how the halting head did: how many examples it
 * stopped by itself within the steps run and how many of those it stopped on a correct answer. Stored in an
 * evaluation's metrics under {@link #exactAt(int)}, {@link #COUNT}, {@link #HALTED} and {@link #HALTED_CORRECT}.
 *
 * @param count scored examples
 * @param correct examples entirely right after step k+1, for k = 0..N-1
 * @param halted examples whose halting head said "stop" by itself at some step
 * @param haltedCorrect those of them whose answer at that step was entirely right
 */
public record StepAccuracy(double count, double[] correct, double halted, double haltedCorrect) {
  public static final String COUNT = "eval/count";
  public static final String HALTED = "eval/halted";
  public static final String HALTED_CORRECT = "eval/halted_correct";

  /** The metric name of the exact accuracy after ACT step {@code step} (1-based). */
  public static String exactAt(int step) {
    return "eval/exact_accuracy@" + step;
  }

  /** Steps recorded. */
  public int steps() {
    return correct.length;
  }

  /** Exact accuracy after step {@code step} (1-based). */
  public double accuracy(int step) {
    return count > 0 ? correct[step - 1] / count : 0;
  }

  public WilsonInterval interval(int step) {
    return WilsonInterval.of95(correct[step - 1], count);
  }

  /** Of the examples the halting head stopped, the fraction stopped on a correct answer. */
  public double haltedAccuracy() {
    return halted > 0 ? haltedCorrect / halted : 0;
  }

  public WilsonInterval haltedInterval() {
    return WilsonInterval.of95(haltedCorrect, halted);
  }

  /** The metrics that store this (accuracies as fractions, the counts as counts). */
  public Map<String, Double> metrics() {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int k = 1; k <= steps(); k++) {
      m.put(exactAt(k), accuracy(k));
    }
    m.put(HALTED, halted);
    m.put(HALTED_CORRECT, haltedCorrect);
    return m;
  }

  /** Reads what {@link #metrics} stored (with {@link #COUNT}); null if {@code metrics} has no per-step accuracy. */
  public static StepAccuracy from(Map<String, Double> metrics) {
    Double count = metrics.get(COUNT);
    int steps = 0;
    while (metrics.containsKey(exactAt(steps + 1))) {
      steps++;
    }
    if (count == null || steps == 0) {
      return null;
    }
    double[] correct = new double[steps];
    for (int k = 1; k <= steps; k++) {
      correct[k - 1] = Math.round(metrics.get(exactAt(k)) * count);
    }
    return new StepAccuracy(count, correct, metrics.getOrDefault(HALTED, 0.0),
        metrics.getOrDefault(HALTED_CORRECT, 0.0));
  }
}
