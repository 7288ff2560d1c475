package dev.trm.datasets;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeded random permutations (Fisher-Yates), shared by the builders and the sampler. */
public final class Permutations {
  private Permutations() {}

  /** A uniformly random permutation of 0..n-1. */
  public static int[] random(int n, SplittableRandom random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      int j = random.nextInt(i + 1);
      p[i] = p[j];
      p[j] = i;
    }
    return p;
  }

  /** Shuffles {@code a} in place. */
  public static void shuffle(int[] a, SplittableRandom random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** {@code k} distinct values of 0..n-1 in random order (the first k steps of a Fisher-Yates shuffle). */
  public static int[] choose(int n, int k, SplittableRandom random) {
    if (k < 0 || k > n) {
      throw new IllegalArgumentException("cannot choose " + k + " of " + n);
    }
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    for (int i = 0; i < k; i++) {
      int j = i + random.nextInt(n - i);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return Arrays.copyOf(a, k);
  }
}
