package dev.trm.bench;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class MachineReadingsTest {
  @Test
  void stealFractionIsStolenTicksOverAllTicks() {
    CpuTimes before = CpuTimes.parse(List.of("cpu  100 0 10 500 1 0 2 7 0 0", "cpu0 50 0 5 250 0 0 1 3 0 0"));
    CpuTimes after = CpuTimes.parse(List.of("cpu  160 0 12 520 1 0 2 27 0 0"));
    assertThat(before).isEqualTo(new CpuTimes(7, 620));
    assertThat(after.stealFractionSince(before)).isWithin(1e-12).of(20.0 / 102);
    assertThat(before.stealFractionSince(before)).isEqualTo(0.0);
  }

  @Test
  void malformedStatNamesTheProblem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CpuTimes.parse(List.of("cpu  1 2 3")));
    assertThat(e).hasMessageThat().contains("expected at least 8 counters");
    assertThat(assertThrows(IllegalArgumentException.class, () -> CpuTimes.parse(List.of("intr 5"))))
        .hasMessageThat().contains("no aggregate cpu line");
  }

  @Test
  void cpuModelCountsProcessorsAndSeesAmx() {
    CpuModel amx = CpuModel.parse(List.of("processor\t: 0", "model name\t: Intel(R) Xeon(R) Processor",
        "flags\t\t: fpu avx512f amx_bf16 amx_tile", "", "processor\t: 1", "model name\t: Intel(R) Xeon(R) Processor",
        "flags\t\t: fpu avx512f amx_bf16 amx_tile"));
    assertThat(amx).isEqualTo(new CpuModel("Intel(R) Xeon(R) Processor", 2, true));
    assertThat(amx.toString()).isEqualTo("Intel(R) Xeon(R) Processor, 2 logical CPUs, AMX-BF16");
    CpuModel epyc = CpuModel.parse(List.of("processor : 0", "model name : AMD EPYC", "flags : avx512f avx512_bf16"));
    assertThat(epyc.amxBf16()).isFalse();
  }
}
