package dev.trm.model;

import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Host <-> tensor copies for tests. */
final class Tensors {
  private Tensors() {}

  static float[] floats(Tensor t) {
    float[] out = new float[(int) t.shape().size()];
    ((TFloat32) t).asRawTensor().data().asFloats().read(out);
    return out;
  }

  static int[] ints(Tensor t) {
    int[] out = new int[(int) t.shape().size()];
    ((TInt32) t).asRawTensor().data().asInts().read(out);
    return out;
  }

  static boolean[] bools(Tensor t) {
    TBool b = (TBool) t;
    boolean[] out = new boolean[(int) t.shape().size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getBoolean(unravel(t.shape(), i));
    }
    return out;
  }

  static float[] toFloats(double[] a) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (float) a[i];
    }
    return out;
  }

  static TFloat32 of(float[] data, long... shape) {
    return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(data, true, false));
  }

  static TInt32 of(int[] data, long... shape) {
    return TInt32.tensorOf(Shape.of(shape), DataBuffers.of(data, true, false));
  }

  static TBool of(boolean[] data, long... shape) {
    return TBool.tensorOf(Shape.of(shape), DataBuffers.of(data, true, false));
  }

  private static long[] unravel(Shape shape, long flat) {
    long[] idx = new long[shape.numDimensions()];
    for (int d = idx.length - 1; d >= 0; d--) {
      idx[d] = flat % shape.get(d);
      flat /= shape.get(d);
    }
    return idx;
  }
}
