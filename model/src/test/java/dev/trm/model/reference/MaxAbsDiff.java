package dev.trm.model.reference;

/** The largest absolute element-wise difference between two arrays of the same shape (shape mismatch throws). */
final class MaxAbsDiff {
  private MaxAbsDiff() {}

  static double of(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      double d = Math.abs(a[i] - b[i]);
      // NaN anywhere must fail the comparison, so it counts as infinitely far.
      max = Math.max(max, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
    }
    return max;
  }

  static double of(double[][] a, double[][] b) {
    if (a.length != b.length) {
      throw new AssertionError("row counts differ: " + a.length + " vs " + b.length);
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, of(a[i], b[i]));
    }
    return max;
  }

  static double of(double[][][] a, double[][][] b) {
    if (a.length != b.length) {
      throw new AssertionError("batch sizes differ: " + a.length + " vs " + b.length);
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, of(a[i], b[i]));
    }
    return max;
  }
}
