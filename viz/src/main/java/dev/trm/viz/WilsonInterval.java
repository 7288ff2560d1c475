package dev.trm.viz;

/**
 * The Wilson score interval of a proportion: unlike the normal approximation it stays inside [0, 1] and is
 * sensible at 0 and n successes, which is where a model's accuracy often sits early and late in training.
 */
public record WilsonInterval(double low, double high) {
  /** z of a two-sided 95% interval. */
  public static final double Z95 = 1.959964;

  /** The 95% interval of {@code successes} out of {@code n}; [0, 1] when n is 0. */
  public static WilsonInterval of95(double successes, double n) {
    if (n <= 0) {
      return new WilsonInterval(0, 1);
    }
    double p = successes / n;
    double z2 = Z95 * Z95;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = Z95 / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    return new WilsonInterval(Math.max(0, centre - half), Math.min(1, centre + half));
  }

  /** "[lo%, hi%]" with one decimal. */
  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "[%.1f%%, %.1f%%]", 100 * low, 100 * high);
  }
}
