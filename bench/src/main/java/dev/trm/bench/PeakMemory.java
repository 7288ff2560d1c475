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

  private PeakMemory() {}

  /** Peak RSS of this process so far, in bytes. */
  public static long peakRssBytes() {
    try {
      return parseVmHwm(Files.readAllLines(STATUS));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + STATUS + " (peak memory needs Linux procfs)", e);
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
