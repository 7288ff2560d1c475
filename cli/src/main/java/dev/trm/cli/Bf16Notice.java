package dev.trm.cli;

import dev.trm.bench.CpuModel;
import dev.trm.model.config.DType;
import dev.trm.model.config.TrmConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The notice printed when a config asks for bfloat16 matrix products on a CPU without AMX-BF16 tiles: there oneDNN
 * has no bf16 matrix units to run them on, and a bf16 training step was measured about 1.5x slower than fp32 (AMD
 * EPYC, 2 vCPUs). The config is run as written; the notice says how to switch.
 */
final class Bf16Notice {
  private static final Path CPUINFO = Path.of("/proc/cpuinfo");

  private Bf16Notice() {}

  /** The notice for {@code config} on this machine, if one is due (none where the CPU cannot be read). */
  static Optional<String> onThisMachine(TrmConfig config) {
    if (config.getArch().getForwardDtype() != DType.BFLOAT16 || !Files.isReadable(CPUINFO)) {
      return Optional.empty();
    }
    return of(config, CpuModel.read());
  }

  /** The notice for {@code config} on {@code cpu}, if one is due. */
  static Optional<String> of(TrmConfig config, CpuModel cpu) {
    if (config.getArch().getForwardDtype() != DType.BFLOAT16 || cpu.amxBf16()) {
      return Optional.empty();
    }
    return Optional.of("notice: " + config.getName() + " computes in bfloat16 (arch.forward_dtype: BFLOAT16), but this "
        + "CPU (" + cpu.name() + ") has no AMX-BF16 matrix units; bf16 runs slower than fp32 on such CPUs (1.5x on an "
        + "AMD EPYC). For speed here, set arch.forward_dtype: FLOAT32 in a copy of the config.");
  }
}
