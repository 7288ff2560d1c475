package dev.trm.model;

import java.util.Arrays;

/**
 * One named parameter's value on the host: a row-major float32 array and its shape.
 *
 * <p>Shapes follow the official PyTorch layout (a linear weight is [out, in]) so that weights move between
 * frameworks without transposes.
 */
public record WeightTensor(long[] shape, float[] data) {
  public WeightTensor {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + n + " values, data has " + data.length);
    }
  }

  /** Number of elements. */
  public int size() {
    return data.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WeightTensor w && Arrays.equals(shape, w.shape) && Arrays.equals(data, w.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "WeightTensor" + Arrays.toString(shape);
  }
}
