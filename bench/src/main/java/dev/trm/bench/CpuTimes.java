package dev.trm.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine's CPU time counters ({@code cpu} line of {@code /proc/stat}, in clock ticks), read around a
 * measurement to tell how much of it the hypervisor gave to other guests.
 *
 * <p>On the shared VMs this project is measured on, "steal" (time our vCPUs were ready but not running) rises from
 * ~0 to a quarter of the time when a neighbour gets busy, and wall-clock throughput falls with it: a result with a
 * high {@link #stealFractionSince steal fraction} measures the neighbour, not the code.
 *
 * @param steal ticks stolen by the hypervisor
 * @param total all ticks (user, nice, system, idle, iowait, irq, softirq, steal)
 */
public record CpuTimes(long steal, long total) {
  private static final Path STAT = Path.of("/proc/stat");

  /** The counters now. */
  public static CpuTimes read() {
    try {
      return parse(Files.readAllLines(STAT));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + STAT + " (the steal fraction needs Linux procfs)", e);
    }
  }

  /** The aggregate {@code cpu} line of a {@code /proc/stat} text. */
  static CpuTimes parse(List<String> statLines) {
    for (String line : statLines) {
      if (line.startsWith("cpu ")) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 9) {
          throw new IllegalArgumentException(STAT + ": expected at least 8 counters in '" + line + "'");
        }
        long total = 0;
        for (int i = 1; i <= 8; i++) { // guest time is already inside user and nice
          total += Long.parseLong(f[i]);
        }
        return new CpuTimes(Long.parseLong(f[8]), total);
      }
    }
    throw new IllegalArgumentException(STAT + ": no aggregate cpu line");
  }

  /** The share of all CPU time between {@code earlier} and now that was stolen (0 when no time passed). */
  public double stealFractionSince(CpuTimes earlier) {
    long elapsed = total - earlier.total;
    return elapsed <= 0 ? 0 : (double) (steal - earlier.steal) / elapsed;
  }
}
