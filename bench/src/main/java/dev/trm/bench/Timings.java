package dev.trm.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Wall-clock seconds of repeated runs of one piece of work, after warm-up runs that are not kept.
 *
 * <p>The median, not the mean, summarises them: the machine is shared, and a neighbour's build slows single runs
 * without telling us anything about our code.
 */
public record Timings(double[] seconds) {
  public Timings {
    if (seconds.length == 0) {
      throw new IllegalArgumentException("no timed runs");
    }
    seconds = seconds.clone();
  }

  /** Runs {@code work} {@code warmup} times untimed, then {@code runs} times timed. */
  public static Timings measure(int warmup, int runs, Runnable work) {
    if (warmup < 0 || runs < 1) {
      throw new IllegalArgumentException("need warmup >= 0 and runs >= 1, got " + warmup + " and " + runs);
    }
    for (int i = 0; i < warmup; i++) {
      work.run();
    }
    double[] seconds = new double[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      work.run();
      seconds[i] = (System.nanoTime() - start) / 1e9;
    }
    return new Timings(seconds);
  }

  /** The median run time in seconds (the mean of the middle two for an even count). */
  public double median() {
    double[] sorted = seconds.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** The shortest run time in seconds. */
  public double fastest() {
    return Arrays.stream(seconds).min().orElseThrow();
  }

  @Override
  public double[] seconds() {
    return seconds.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Timings t && Arrays.equals(seconds, t.seconds);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(seconds);
  }

  /** For a log line: {@code median 1.234 s of 5 runs (1.201 1.234 ...)}. */
  @Override
  public String toString() {
    StringBuilder runs = new StringBuilder();
    for (double s : seconds) {
      runs.append(runs.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.3f", s));
    }
    return String.format(Locale.ROOT, "median %.3f s of %d run%s (%s)", median(), seconds.length,
        seconds.length == 1 ? "" : "s", runs);
  }
}
