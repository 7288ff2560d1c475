package dev.trm.bench;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
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

  @Test
  void resetForgetsAnEarlierPeak() throws Exception {
    int bytes = 256 << 20;
    ByteBuffer big = ByteBuffer.allocateDirect(bytes);
    for (int i = 0; i < bytes; i += 4096) {
      big.put(i, (byte) 1); // touch every page so it is resident
    }
    long withBuffer = PeakMemory.peakRssBytes();
    freeNow(big); // give the pages back to the OS at once, not at some later GC
    PeakMemory.reset();
    assertThat(PeakMemory.peakRssBytes()).isLessThan(withBuffer - bytes / 2);
  }

  /** Frees a direct buffer's memory now (sun.misc.Unsafe.invokeCleaner, looked up so javac has nothing to flag). */
  private static void freeNow(ByteBuffer direct) throws Exception {
    Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
    Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
    theUnsafe.setAccessible(true);
    unsafeClass.getMethod("invokeCleaner", ByteBuffer.class).invoke(theUnsafe.get(null), direct);
  }
}
