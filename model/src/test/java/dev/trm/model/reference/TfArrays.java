package dev.trm.model.reference;

import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Moves the reference's nested Java arrays into and out of TF tensors (row-major). */
final class TfArrays {
  private TfArrays() {}

  /** [B][L][D] doubles, rounded to float32 exactly as the graph will see them. */
  static TFloat32 floats(double[][][] a) {
    int n1 = a.length;
    int n2 = a[0].length;
    int n3 = a[0][0].length;
    float[] flat = new float[n1 * n2 * n3];
    for (int i = 0; i < n1; i++) {
      for (int j = 0; j < n2; j++) {
        for (int k = 0; k < n3; k++) {
          flat[(i * n2 + j) * n3 + k] = (float) a[i][j][k];
        }
      }
    }
    return TFloat32.tensorOf(Shape.of(n1, n2, n3), DataBuffers.of(flat, true, false));
  }

  static TFloat32 floats(double[] a) {
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      f[i] = (float) a[i];
    }
    return TFloat32.vectorOf(f);
  }

  static TInt32 ints(int[] a) {
    return TInt32.vectorOf(a);
  }

  static TInt32 ints(int[][] a) {
    int cols = a[0].length;
    int[] flat = new int[a.length * cols];
    for (int i = 0; i < a.length; i++) {
      System.arraycopy(a[i], 0, flat, i * cols, cols);
    }
    return TInt32.tensorOf(Shape.of(a.length, cols), DataBuffers.of(flat, true, false));
  }

  static TBool bools(boolean[] a) {
    return TBool.vectorOf(a);
  }

  static float[] flatFloats(Tensor t) {
    float[] f = new float[(int) t.shape().size()];
    ((TFloat32) t).copyTo(DataBuffers.of(f, false, false));
    return f;
  }

  static double[] toDoubles(Tensor t) {
    float[] f = flatFloats(t);
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  static double toDouble(Tensor t) {
    return toDoubles(t)[0];
  }

  static double[][] toDoubles2(Tensor t) {
    double[] flat = toDoubles(t);
    int rows = (int) t.shape().get(0);
    int cols = (int) t.shape().get(1);
    double[][] m = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(flat, i * cols, m[i], 0, cols);
    }
    return m;
  }

  static double[][][] toDoubles3(Tensor t) {
    double[] flat = toDoubles(t);
    int n1 = (int) t.shape().get(0);
    int n2 = (int) t.shape().get(1);
    int n3 = (int) t.shape().get(2);
    double[][][] a = new double[n1][n2][n3];
    for (int i = 0; i < n1; i++) {
      for (int j = 0; j < n2; j++) {
        System.arraycopy(flat, (i * n2 + j) * n3, a[i][j], 0, n3);
      }
    }
    return a;
  }

  static int[] toInts(Tensor t) {
    int[] v = new int[(int) t.shape().size()];
    ((TInt32) t).copyTo(DataBuffers.of(v, false, false));
    return v;
  }

  static int[][] toInts2(Tensor t) {
    int[] flat = toInts(t);
    int rows = (int) t.shape().get(0);
    int cols = (int) t.shape().get(1);
    int[][] m = new int[rows][cols];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(flat, i * cols, m[i], 0, cols);
    }
    return m;
  }

  static boolean[] toBools(Tensor t) {
    boolean[] v = new boolean[(int) t.shape().size()];
    ((TBool) t).copyTo(DataBuffers.of(v, false, false));
    return v;
  }
}
