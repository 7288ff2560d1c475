package dev.trm.training;

/**
 * A tiny seeded generator whose whole state is one {@code long}, so a checkpoint can store it and a resumed run
 * draws exactly the same numbers (SplitMix64, Steele et al. 2014).
 */
public final class SplitMix64 {
  private long state;

  public SplitMix64(long state) {
    this.state = state;
  }

  /** The state to checkpoint; {@code new SplitMix64(state())} continues the same sequence. */
  public long state() {
    return state;
  }

  public long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1) with 24 random bits (a float's precision). */
  public float nextFloat() {
    return (nextLong() >>> 40) * 0x1.0p-24f;
  }

  /** Uniform in [lo, hi], both inclusive. */
  public int nextInt(int lo, int hi) {
    if (hi < lo) {
      throw new IllegalArgumentException("empty range [" + lo + ", " + hi + "]");
    }
    return lo + (int) Math.floorMod(nextLong(), (long) hi - lo + 1);
  }
}
