package dev.trm.bench;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TimingsTest {
  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(new Timings(new double[] {3, 1, 2}).median()).isEqualTo(2.0);
    assertThat(new Timings(new double[] {4, 1, 3, 2}).median()).isEqualTo(2.5);
    assertThat(new Timings(new double[] {4, 1, 3, 2}).fastest()).isEqualTo(1.0);
  }

  @Test
  void measureRunsWarmupUntimedThenTheTimedRuns() {
    AtomicInteger calls = new AtomicInteger();
    Timings timings = Timings.measure(2, 3, calls::incrementAndGet);
    assertThat(calls.get()).isEqualTo(5);
    assertThat(timings.seconds()).hasLength(3);
  }

  @Test
  void refusesNoRuns() {
    assertThrows(IllegalArgumentException.class, () -> Timings.measure(1, 0, () -> {}));
  }

  @Test
  void printsForAPersonNotAsARecord() {
    assertThat(new Timings(new double[] {1.5, 1.25}).toString()).isEqualTo("median 1.375 s of 2 runs (1.500 1.250)");
  }
}
