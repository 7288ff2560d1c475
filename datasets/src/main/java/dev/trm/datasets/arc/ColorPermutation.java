package dev.trm.datasets.arc;

import java.util.Arrays;

/**
 * A relabelling of the ARC colours that keeps colour 0 (black background) fixed and permutes 1..9.
 *
 * <p>Its name is the 10 digits of the map for colours 0..9 (official identifier format): {@code "0381726549"} sends
 * colour 1 to 3, colour 2 to 8 and so on.
 */
public final class ColorPermutation {
  /** The identity map, {@code "0123456789"}. */
  public static final ColorPermutation IDENTITY = new ColorPermutation(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});

  private final byte[] map;

  private ColorPermutation(byte[] map) {
    this.map = map;
  }

  /**
   * Parses a 10-digit name.
   *
   * @throws IllegalArgumentException unless {@code name} is 10 digits forming a permutation of 0..9 that fixes 0
   */
  public static ColorPermutation parse(String name) {
    if (name.length() != ArcGrid.NUM_COLORS) {
      throw new IllegalArgumentException("colour permutation '" + name + "' must have 10 digits");
    }
    byte[] map = new byte[ArcGrid.NUM_COLORS];
    boolean[] seen = new boolean[ArcGrid.NUM_COLORS];
    for (int c = 0; c < map.length; c++) {
      int v = name.charAt(c) - '0';
      if (v < 0 || v > 9 || seen[v]) {
        throw new IllegalArgumentException("colour permutation '" + name + "' is not a permutation of the digits 0..9");
      }
      seen[v] = true;
      map[c] = (byte) v;
    }
    if (map[0] != 0) {
      throw new IllegalArgumentException("colour permutation '" + name + "' must keep colour 0 fixed");
    }
    return new ColorPermutation(map);
  }

  /**
   * A random permutation drawn as the official builder draws it: {@code np.random.permutation} of colours 1..9.
   */
  static ColorPermutation random(NumpyRandom random) {
    byte[] tail = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    random.shuffle(tail);
    byte[] map = new byte[ArcGrid.NUM_COLORS];
    System.arraycopy(tail, 0, map, 1, tail.length);
    return new ColorPermutation(map);
  }

  /** The colour that {@code color} becomes. */
  public int map(int color) {
    return map[color];
  }

  /** The permutation that undoes this one. */
  public ColorPermutation inverse() {
    byte[] inv = new byte[map.length];
    for (int c = 0; c < map.length; c++) {
      inv[map[c]] = (byte) c;
    }
    return new ColorPermutation(inv);
  }

  /** The 10-digit name. */
  public String name() {
    StringBuilder s = new StringBuilder(map.length);
    for (byte b : map) {
      s.append((char) ('0' + b));
    }
    return s.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ColorPermutation p && Arrays.equals(p.map, map);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(map);
  }

  @Override
  public String toString() {
    return name();
  }
}
