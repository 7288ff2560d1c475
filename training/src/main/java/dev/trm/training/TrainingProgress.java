package dev.trm.training;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The console progress bar of a training run: step / total, ETA, examples per second over the last steps, loss,
 * accuracy and learning rate. Under a wall-clock budget the total is the steps the budget will allow at the current
 * speed (re-estimated as it goes), so the bar and the ETA end with the budget.
 */
final class TrainingProgress implements AutoCloseable {
  private static final int WINDOW = 20;
  private final ProgressBar bar;
  private final int batchSize;
  private final ArrayDeque<Long> stepTimes = new ArrayDeque<>();
  private final long totalSteps;

  TrainingProgress(long startStep, long totalSteps, int batchSize) {
    this.batchSize = batchSize;
    this.totalSteps = totalSteps;
    this.bar = new ProgressBarBuilder()
        .setTaskName("train")
        .setInitialMax(totalSteps)
        .startsFrom(startStep, Duration.ZERO)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(1000)
        .setUnit(" steps", 1)
        .setEtaFunction(state -> eta(state.getCurrent(), state.getMax()))
        .build();
  }

  /**
   * Advances to {@code r.step()} and shows its numbers.
   *
   * @param budgetLeftSeconds training seconds the run may still spend (infinite without a budget)
   */
  void update(StepResult r, double budgetLeftSeconds) {
    stepTimes.addLast(System.nanoTime());
    if (stepTimes.size() > WINDOW) {
      stepTimes.removeFirst();
    }
    if (Double.isFinite(budgetLeftSeconds) && stepTimes.size() > 1) {
      long affordable = r.step() + (long) (Math.max(0, budgetLeftSeconds) / secondsPerStep());
      bar.maxHint(Math.min(totalSteps, affordable));
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

  private double secondsPerStep() {
    return (stepTimes.getLast() - stepTimes.getFirst()) / 1e9 / (stepTimes.size() - 1);
  }

  private Optional<Duration> eta(long current, long max) {
    if (stepTimes.size() < 2 || current >= max) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofMillis((long) (1000 * (max - current) * secondsPerStep())));
  }

  @Override
  public void close() {
    bar.close();
  }
}
