package dev.trm.model.reference;

/**
 * Rotary position embedding in the rotate-half (GPT-NeoX) layout of the official code: channel j and j + headDim/2 form a
 * pair turned by pos · theta^(−2j/headDim); positions count the puzzle prefix first, then the grid.
 */
final class ReferenceRope {
  private final double[] invFreq;

  ReferenceRope(int headDim, double theta) {
    invFreq = new double[headDim / 2];
    for (int j = 0; j < invFreq.length; j++) {
      invFreq[j] = Math.pow(theta, -2.0 * j / headDim);
    }
  }

  /** x·cos + rotate_half(x)·sin at {@code pos}, where rotate_half([a, b]) = [−b, a]. */
  double[] rotate(double[] x, int pos) {
    int half = invFreq.length;
    double[] out = new double[x.length];
    for (int j = 0; j < half; j++) {
      double cos = Math.cos(pos * invFreq[j]);
      double sin = Math.sin(pos * invFreq[j]);
      out[j] = x[j] * cos - x[j + half] * sin;
      out[j + half] = x[j + half] * cos + x[j] * sin;
    }
    return out;
  }
}
