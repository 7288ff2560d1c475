package dev.trm.bench;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class PeakMemoryTest {
  @Test
  void parsesTheHighWaterMarkInBytes() {
    assertThat(PeakMemory.parseVmHwm(List.of("Name:\tjava", "VmPeak:\t 9000 kB", "VmHWM:\t  123456 kB")))
        .isEqualTo(123456L * 1024);
  }

  @Test
  void refusesAStatusWithoutIt() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PeakMemory.parseVmHwm(List.of("Name:\tjava")));
    assertThat(e).hasMessageThat().contains("VmHWM");
  }

  @Test
  void thisProcessHasAPeak() {
    assertThat(PeakMemory.peakRssBytes()).isGreaterThan(1L << 20);
  }
}
