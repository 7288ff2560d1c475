package dev.trm.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Rotary position embedding in the rotate-half (GPT-NeoX) layout over positions 0..L-1 (prefix slots first, then
 * the grid row-major): x * cos + rotate_half(x) * sin, with rotate_half([a, b]) = [-b, a].
 *
 * <p>rotate_half(x) * sin is computed as roll(x, half) * [-sin | sin]: one Roll instead of split, negate and concat
 * (three copies forward and three backward). An optional constant {@code scale} is folded into the tables, so the
 * attention's 1/sqrt(head_dim) on q costs nothing.
 */
final class Rope {
  private final Ops tf;
  private final int half;
  private final Operand<TFloat32> cos; // [L, headDim], times scale
  private final Operand<TFloat32> signedSin; // [L, headDim]: -sin on the first half, +sin on the second, times scale

  Rope(Ops tf, int positions, int headDim, float theta) {
    this(tf, positions, headDim, theta, 1f);
  }

  Rope(Ops tf, int positions, int headDim, float theta, float scale) {
    this.tf = tf;
    this.half = headDim / 2;
    float[][][] tables = tables(positions, headDim, theta);
    float[][] cos = tables[0];
    float[][] signedSin = tables[1];
    for (int pos = 0; pos < positions; pos++) {
      for (int i = 0; i < headDim; i++) {
        cos[pos][i] *= scale;
        signedSin[pos][i] *= i < half ? -scale : scale;
      }
    }
    this.cos = tf.constant(cos);
    this.signedSin = tf.constant(signedSin);
  }

  /**
   * {cos, sin} tables [positions][headDim], computed in float32 step by step as the official code does
   * (inv_freq = 1 / theta^(2i/dim), angle = position * inv_freq, frequencies repeated for both halves).
   */
  static float[][][] tables(int positions, int headDim, float theta) {
    int half = headDim / 2;
    float[] invFreq = new float[half];
    for (int i = 0; i < half; i++) {
      invFreq[i] = 1.0f / (float) Math.pow(theta, (float) (2 * i) / headDim);
    }
    float[][] cos = new float[positions][headDim];
    float[][] sin = new float[positions][headDim];
    for (int pos = 0; pos < positions; pos++) {
      for (int i = 0; i < headDim; i++) {
        float angle = pos * invFreq[i % half];
        cos[pos][i] = (float) Math.cos(angle);
        sin[pos][i] = (float) Math.sin(angle);
      }
    }
    return new float[][][] {cos, sin};
  }

  /** Rotates (and scales) x [..., L, headDim]. */
  Operand<TFloat32> apply(Operand<TFloat32> x) {
    Operand<TFloat32> swapped = tf.roll(x, tf.constant(half), tf.constant(-1)); // [b, a]
    return tf.math.add(tf.math.mul(x, cos), tf.math.mul(swapped, signedSin));
  }
}
