package dev.trm.training;

/**
 * The official learning-rate schedule: linear warm-up from 0 over {@code warmupSteps}, then a
 * half cosine from the base rate down to {@code minRatio·base} at {@code totalSteps}. {@code minRatio = 1} (every
 * shipped config) makes the rate constant after warm-up.
 *
 * @param baseLr the peak learning rate
 * @param warmupSteps steps of linear warm-up
 * @param totalSteps the run's optimizer steps
 * @param minRatio the final rate as a fraction of the peak
 */
public record LrSchedule(double baseLr, long warmupSteps, long totalSteps, double minRatio) {
  public LrSchedule {
    if (!(baseLr >= 0) || warmupSteps < 0 || totalSteps < 0 || !(minRatio >= 0 && minRatio <= 1)) {
      throw new IllegalArgumentException("bad schedule: lr " + baseLr + ", warm-up " + warmupSteps + ", total "
          + totalSteps + ", min ratio " + minRatio);
    }
  }

  /** The rate of optimizer step {@code step}, counted from 1 as the official trainer does. */
  public double at(long step) {
    if (step < warmupSteps) {
      return baseLr * step / Math.max(1, warmupSteps);
    }
    double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
    double cosine = 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
    return baseLr * (minRatio + (1 - minRatio) * cosine);
  }
}
