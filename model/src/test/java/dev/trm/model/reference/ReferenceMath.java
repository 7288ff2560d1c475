package dev.trm.model.reference;

/** The few double-precision array operations the reference is built from; rows are tokens (or channels). */
final class ReferenceMath {
  private ReferenceMath() {}

  /** x [N, in] times a PyTorch-layout weight w [out, in], transposed: x·wᵀ, [N, out]. */
  static double[][] linear(double[][] x, double[][] w) {
    double[][] y = new double[x.length][w.length];
    for (int n = 0; n < x.length; n++) {
      for (int o = 0; o < w.length; o++) {
        y[n][o] = dot(x[n], w[o]);
      }
    }
    return y;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double[][] add(double[][] a, double[][] b) {
    double[][] c = new double[a.length][a[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        c[i][j] = a[i][j] + b[i][j];
      }
    }
    return c;
  }

  static double[][] transpose(double[][] a) {
    double[][] t = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        t[j][i] = a[i][j];
      }
    }
    return t;
  }

  /** RMSNorm without gain over each row: x · rsqrt(mean(x²) + eps). */
  static double[][] rmsNormRows(double[][] x, double eps) {
    double[][] y = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      double scale = 1 / Math.sqrt(dot(x[i], x[i]) / x[i].length + eps);
      y[i] = new double[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        y[i][j] = x[i][j] * scale;
      }
    }
    return y;
  }

  static double silu(double v) {
    return v / (1 + Math.exp(-v));
  }

  /** Index of the largest value, the first one on ties (as torch.argmax). */
  static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  /** The same row for every one of {@code rows} positions (a reset state). */
  static double[][] broadcast(double[] row, int rows) {
    double[][] m = new double[rows][];
    for (int i = 0; i < rows; i++) {
      m[i] = row.clone();
    }
    return m;
  }
}
