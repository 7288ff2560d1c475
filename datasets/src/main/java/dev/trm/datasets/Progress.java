package dev.trm.datasets;

import java.io.PrintStream;

/** Receives progress of a long build: {@code done} of {@code total} units of {@code phase} (total 0 = unknown). */
@FunctionalInterface
public interface Progress {
  /** Ignores all updates. */
  Progress NONE = (phase, done, total) -> {};

  void update(String phase, long done, long total);

  /**
   * Prints one line to {@code out} at most every {@code intervalMillis}, plus a line whenever a phase completes
   * ({@code done == total}).
   */
  static Progress printingTo(PrintStream out, long intervalMillis) {
    return new ThrottledPrinter(out, intervalMillis);
  }
}
