package dev.trm.datasets.arc;

import java.util.List;

/**
 * The random stream of numpy's legacy {@code np.random} (a {@code RandomState} over MT19937, seeded with an integer),
 * for the three calls the official ARC builder makes: {@code randint(low, high)}, {@code shuffle(list)} and
 * {@code permutation(array)}.
 *
 * <p>Drawing exactly what numpy draws makes a build with the official seed assign the same variants, identifiers and
 * translations as {@code build_arc_dataset.py}, so puzzle-embedding rows of official checkpoints line up with ours.
 * Bounded integers use numpy's masked rejection sampling on 32-bit draws (every range here is below 2^32).
 */
final class NumpyRandom {
  private static final int N = 624;
  private static final int M = 397;

  private final int[] state = new int[N];
  private int position;

  /** Seeds like {@code np.random.seed(seed)} for an integer seed in [0, 2^32). */
  NumpyRandom(long seed) {
    if (seed < 0 || seed > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("seed must be in [0, 2^32), got " + seed);
    }
    state[0] = (int) seed;
    for (int i = 1; i < N; i++) {
      state[i] = 1812433253 * (state[i - 1] ^ (state[i - 1] >>> 30)) + i;
    }
    position = N;
  }

  /** The next raw 32-bit output of MT19937, as an unsigned value. */
  long nextUint32() {
    if (position >= N) {
      regenerate();
    }
    int y = state[position++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y & 0xFFFF_FFFFL;
  }

  /** {@code np.random.randint(low, high)}: uniform in [low, high); draws nothing when the range has one value. */
  int randint(int low, int high) {
    if (high <= low) {
      throw new IllegalArgumentException("randint: empty range [" + low + ", " + high + ")");
    }
    return low + (int) interval(high - 1L - low);
  }

  /** {@code np.random.shuffle(list)}: Fisher-Yates from the back, as numpy's legacy shuffle. */
  <T> void shuffle(List<T> list) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = (int) interval(i);
      list.set(i, list.set(j, list.get(i)));
    }
  }

  /** {@code np.random.permutation(values)} in place (the legacy permutation is a copy followed by a shuffle). */
  void shuffle(byte[] values) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = (int) interval(i);
      byte t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
  }

  /** Uniform in [0, max] by masked rejection: numpy's {@code random_interval} and masked bounded draws agree. */
  private long interval(long max) {
    if (max == 0) {
      return 0;
    }
    long mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    long value;
    do {
      value = nextUint32() & mask;
    } while (value > max);
    return value;
  }

  private void regenerate() {
    for (int k = 0; k < N; k++) {
      int y = (state[k] & 0x8000_0000) | (state[(k + 1) % N] & 0x7fff_ffff);
      int next = state[(k + M) % N] ^ (y >>> 1);
      state[k] = (y & 1) != 0 ? next ^ 0x9908b0df : next;
    }
    position = 0;
  }
}
