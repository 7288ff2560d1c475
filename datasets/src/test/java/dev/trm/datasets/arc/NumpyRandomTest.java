package dev.trm.datasets.arc;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The expected values were printed by numpy 2.4.6 after {@code np.random.seed(42)}, calling in this order:
 * {@code randint(0, 8)} five times; {@code permutation(np.arange(1, 10))}; {@code shuffle(list(range(20)))};
 * {@code randint(0, 30 - k + 1)} for k = 1..30; {@code randint(0, 1000)}, {@code randint(5, 6)}, {@code randint(0, 3)}.
 */
class NumpyRandomTest {
  @Test
  void drawsWhatNumpyDrawsAfterSeed42() {
    NumpyRandom random = new NumpyRandom(42);
    assertThat(IntStream.range(0, 5).map(i -> random.randint(0, 8)).toArray()).isEqualTo(new int[] {6, 3, 4, 6, 2});

    byte[] permutation = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    random.shuffle(permutation);
    assertThat(permutation).isEqualTo(new byte[] {6, 1, 4, 7, 3, 2, 9, 5, 8});

    List<Integer> list = new ArrayList<>(IntStream.range(0, 20).boxed().toList());
    random.shuffle(list);
    assertThat(list).containsExactly(14, 15, 6, 17, 8, 9, 19, 10, 12, 0, 4, 16, 5, 13, 11, 18, 1, 2, 7, 3).inOrder();

    // randint(0, 1) (k = 30) has a single value and must not consume a draw, or the last three would differ.
    assertThat(IntStream.rangeClosed(1, 30).map(k -> random.randint(0, 30 - k + 1)).toArray()).isEqualTo(new int[] {
      9, 27, 27, 15, 14, 14, 18, 11, 19, 2, 4, 18, 6, 8, 6, 1, 3, 8, 11, 1, 9, 8, 1, 4, 1, 3, 3, 2, 1, 0});
    assertThat(new int[] {random.randint(0, 1000), random.randint(5, 6), random.randint(0, 3)})
        .isEqualTo(new int[] {454, 5, 0});
  }

  @Test
  void rejectsSeedsNumpyRejects() {
    assertThrows(IllegalArgumentException.class, () -> new NumpyRandom(-1));
    assertThrows(IllegalArgumentException.class, () -> new NumpyRandom(1L << 32));
  }
}
