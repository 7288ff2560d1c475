package dev.trm.training;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The console progress bar of a training run: step / total, ETA (capped by the wall-clock budget), examples per
 * second over the last steps, loss, accuracy and learning rate.
 */
final class TrainingProgress implements AutoCloseable {
  private static final int WINDOW = 20;
  private final ProgressBar bar;
  private final int batchSize;
  private final ArrayDeque<Long> stepTimes = new ArrayDeque<>();

  /**
   * @param budgetLeftSeconds seconds of training the run may still spend (infinite without a budget)
   */
  TrainingProgress(long startStep, long totalSteps, int batchSize, double budgetLeftSeconds) {
    this.batchSize = batchSize;
    long budgetEnd = Double.isInfinite(budgetLeftSeconds) ? Long.MAX_VALUE
        : System.nanoTime() + (long) (budgetLeftSeconds * 1e9);
    this.bar = new ProgressBarBuilder()
        .setTaskName("train")
        .setInitialMax(totalSteps)
        .startsFrom(startStep, Duration.ZERO)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(1000)
        .setUnit(" steps", 1)
        .setEtaFunction(state -> eta(state.getCurrent(), state.getMax(), budgetEnd))
        .build();
  }

  /** Advances to {@code r.step()} and shows its numbers. */
  void update(StepResult r) {
    stepTimes.addLast(System.nanoTime());
    if (stepTimes.size() > WINDOW) {
      stepTimes.removeFirst();
    }
    bar.stepTo(r.step());
    bar.setExtraMessage(String.format(" %s ex/s | loss %.4f | acc %.3f | exact %.3f | lr %.2e",
        examplesPerSecond(), r.lmLoss(), r.accuracy() / Math.max(1, r.count()),
        r.exactAccuracy() / Math.max(1, r.count()), r.lr()));
  }

  /** Shows a status such as the evaluation's progress. */
  void status(String message) {
    bar.setExtraMessage(" " + message);
    bar.refresh();
  }

  /** Examples (slot-steps) per second over the last steps, or "-" before there are two. */
  String examplesPerSecond() {
    if (stepTimes.size() < 2) {
      return "-";
    }
    double seconds = (stepTimes.getLast() - stepTimes.getFirst()) / 1e9;
    return String.format("%.0f", (stepTimes.size() - 1) * batchSize / seconds);
  }

  private Optional<Duration> eta(long current, long max, long budgetEnd) {
    if (stepTimes.size() < 2 || current >= max) {
      return Optional.empty();
    }
    double perStep = (stepTimes.getLast() - stepTimes.getFirst()) / 1e9 / (stepTimes.size() - 1);
    double bySteps = (max - current) * perStep;
    double byBudget = budgetEnd == Long.MAX_VALUE ? Double.MAX_VALUE : (budgetEnd - System.nanoTime()) / 1e9;
    return Optional.of(Duration.ofMillis((long) (1000 * Math.max(0, Math.min(bySteps, byBudget)))));
  }

  @Override
  public void close() {
    bar.close();
  }
}
