package dev.trm.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * This process's peak resident set size, from the kernel's high-water mark ({@code VmHWM} in
 * {@code /proc/self/status}).
 *
 * <p>The kernel's figure, not the JVM's, because TensorFlow allocates its tensors in native memory that no Java
 * memory bean sees.
 */
public final class PeakMemory {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private PeakMemory() {}

  /** Peak RSS of this process so far, in bytes. */
  public static long peakRssBytes() {
    try {
      return parseVmHwm(Files.readAllLines(STATUS));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + STATUS + " (peak memory needs Linux procfs)", e);
    }
  }

  /**
   * Resets the high-water mark to the current RSS (Linux >= 4.0), so the next reading is the peak of what runs
   * from now on, on top of what is resident now (JVM, TensorFlow runtime).
   */
  public static void reset() {
    try {
      Files.writeString(CLEAR_REFS, "5");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reset the peak RSS through " + CLEAR_REFS, e);
    }
  }

  /** The {@code VmHWM:} line of a {@code /proc/<pid>/status} text, in bytes. */
  static long parseVmHwm(List<String> statusLines) {
    for (String line : statusLines) {
      if (line.startsWith("VmHWM:")) {
        String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
        if (parts.length != 2 || !parts[1].equals("kB")) {
          throw new IllegalArgumentException(STATUS + ": unexpected VmHWM line '" + line + "'");
        }
        return Long.parseLong(parts[0]) * 1024;
      }
    }
    throw new IllegalArgumentException(STATUS + ": no VmHWM line");
  }
}
