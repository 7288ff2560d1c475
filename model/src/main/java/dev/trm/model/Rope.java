package dev.trm.model;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Split;
import org.tensorflow.types.TFloat32;

/**
 * Rotary position embedding in the rotate-half (GPT-NeoX) layout over positions 0..L-1 (prefix slots first, then
 * the grid row-major): x * cos + rotate_half(x) * sin, with rotate_half([a, b]) = [-b, a] (spec §1.3).
 */
final class Rope {
  private final Ops tf;
  private final Operand<TFloat32> cos; // [L, headDim]
  private final Operand<TFloat32> sin;

  Rope(Ops tf, int positions, int headDim, float theta) {
    this.tf = tf;
    float[][][] tables = tables(positions, headDim, theta);
    this.cos = tf.constant(tables[0]);
    this.sin = tf.constant(tables[1]);
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

  /** Rotates x [..., L, headDim]. */
  Operand<TFloat32> apply(Operand<TFloat32> x) {
    Split<TFloat32> halves = tf.split(tf.constant(-1), x, 2L);
    Operand<TFloat32> rotated = tf.concat(
        List.of(tf.math.neg(halves.output().get(1)), halves.output().get(0)), tf.constant(-1));
    return tf.math.add(tf.math.mul(x, cos), tf.math.mul(rotated, sin));
  }
}
