package dev.trm.training;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

class LrScheduleTest {
  @Test
  void warmupIsLinearFromZero() {
    LrSchedule s = new LrSchedule(1e-3, 100, 1000, 1.0);
    assertThat(s.at(0)).isEqualTo(0.0);
    assertThat(s.at(1)).isWithin(1e-12).of(1e-5);
    assertThat(s.at(50)).isWithin(1e-12).of(5e-4);
  }

  @Test
  void minRatioOneIsConstantAfterWarmup() {
    LrSchedule s = new LrSchedule(1e-3, 100, 1000, 1.0);
    assertThat(s.at(100)).isWithin(1e-12).of(1e-3);
    assertThat(s.at(999)).isWithin(1e-12).of(1e-3);
  }

  @Test
  void cosineDecaysToTheMinRatio() {
    LrSchedule s = new LrSchedule(1.0, 10, 110, 0.1);
    assertThat(s.at(10)).isWithin(1e-12).of(1.0);
    assertThat(s.at(60)).isWithin(1e-12).of(0.1 + 0.9 * 0.5);
    assertThat(s.at(110)).isWithin(1e-12).of(0.1);
    assertThat(s.at(500)).isWithin(1e-12).of(0.1);
  }
}
