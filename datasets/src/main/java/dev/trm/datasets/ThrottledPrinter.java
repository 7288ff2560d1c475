package dev.trm.datasets;

import java.io.PrintStream;

/** {@link Progress#printingTo}: a line every few seconds, with rate and elapsed time, and one when a phase ends. */
final class ThrottledPrinter implements Progress {
  private final PrintStream out;
  private final long intervalNanos;
  private final long startNanos = System.nanoTime();
  private long lastPrint = System.nanoTime();
  private String phase = "";
  private long phaseStart = System.nanoTime();

  ThrottledPrinter(PrintStream out, long intervalMillis) {
    this.out = out;
    this.intervalNanos = intervalMillis * 1_000_000L;
  }

  @Override
  public synchronized void update(String newPhase, long done, long total) {
    long now = System.nanoTime();
    if (!newPhase.equals(phase)) {
      phase = newPhase;
      phaseStart = now;
    }
    boolean finished = total > 0 && done >= total;
    if (!finished && now - lastPrint < intervalNanos) {
      return;
    }
    lastPrint = now;
    double phaseSeconds = (now - phaseStart) / 1e9;
    String rate = phaseSeconds > 0 ? String.format(" (%.0f/s)", done / phaseSeconds) : "";
    String of = total > 0 ? String.format("%d/%d %3.0f%%", done, total, 100.0 * done / total) : Long.toString(done);
    out.printf("[%6.1fs] %s: %s%s%n", (now - startNanos) / 1e9, phase, of, rate);
  }
}
