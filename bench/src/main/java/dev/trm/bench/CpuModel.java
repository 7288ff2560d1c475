package dev.trm.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What the benchmark ran on, from {@code /proc/cpuinfo}: the model name, the number of logical CPUs and whether
 * the cores have AMX bfloat16 tiles, which decide how fast {@code forward_dtype: BFLOAT16} can be (oneDNN runs bf16
 * MatMuls on AMX about seven times faster than fp32 on an Intel Xeon; without AMX, bf16 is slower than fp32: 1.5x for
 * a training step on an AMD EPYC).
 *
 * @param name the first {@code model name}
 * @param logicalCpus processors listed
 * @param amxBf16 whether the {@code amx_bf16} flag is set
 */
public record CpuModel(String name, int logicalCpus, boolean amxBf16) {
  private static final Path CPUINFO = Path.of("/proc/cpuinfo");

  /** This machine's CPU. */
  public static CpuModel read() {
    try {
      return parse(Files.readAllLines(CPUINFO));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + CPUINFO, e);
    }
  }

  static CpuModel parse(List<String> lines) {
    String name = "unknown";
    int cpus = 0;
    boolean amx = false;
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      switch (key) {
        case "processor" -> cpus++;
        case "model name" -> name = cpus <= 1 ? value : name;
        case "flags" -> amx |= Arrays.asList(value.split("\\s+")).contains("amx_bf16");
        default -> { }
      }
    }
    return new CpuModel(name, cpus, amx);
  }

  @Override
  public String toString() {
    return name + ", " + logicalCpus + " logical CPUs, " + (amxBf16 ? "AMX-BF16" : "no AMX-BF16");
  }
}
