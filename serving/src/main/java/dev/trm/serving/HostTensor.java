package dev.trm.serving;

import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * A dense tensor in Java memory: dtype, shape and a row-major primitive array ({@code int[]} for DT_INT32,
 * {@code long[]} DT_INT64, {@code float[]} DT_FLOAT, {@code double[]} DT_DOUBLE, {@code boolean[]} DT_BOOL).
 * It is what JSON requests decode to and responses encode from, and what batching concatenates and splits.
 */
public record HostTensor(DataType dtype, long[] shape, Object values) {

  public HostTensor {
    Class<?> expected = arrayClass(dtype);
    if (values.getClass() != expected) {
      throw new IllegalArgumentException(dtype + " needs a " + expected.getSimpleName() + ", got "
          + values.getClass().getSimpleName());
    }
    if (numElements(shape) != Array.getLength(values)) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold "
          + Array.getLength(values) + " values");
    }
  }

  /** Whether this server converts {@code dtype} between JSON and tensors. */
  public static boolean supports(DataType dtype) {
    return switch (dtype) {
      case DT_INT32, DT_INT64, DT_FLOAT, DT_DOUBLE, DT_BOOL -> true;
      default -> false;
    };
  }

  /** TensorFlow's name for {@code dtype} as in its error messages ({@code DataTypeString}): int32, float, ... */
  public static String typeName(DataType dtype) {
    return switch (dtype) {
      case DT_INT32 -> "int32";
      case DT_INT64 -> "int64";
      case DT_FLOAT -> "float";
      case DT_DOUBLE -> "double";
      case DT_BOOL -> "bool";
      default -> dtype.name().substring(3).toLowerCase(java.util.Locale.ROOT);
    };
  }

  static Class<?> arrayClass(DataType dtype) {
    return switch (dtype) {
      case DT_INT32 -> int[].class;
      case DT_INT64 -> long[].class;
      case DT_FLOAT -> float[].class;
      case DT_DOUBLE -> double[].class;
      case DT_BOOL -> boolean[].class;
      default -> throw new IllegalArgumentException("unsupported dtype " + dtype);
    };
  }

  public static long numElements(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** An all-default tensor of this dtype and shape. */
  public static HostTensor zeros(DataType dtype, long[] shape) {
    return new HostTensor(dtype, shape.clone(), Array.newInstance(arrayClass(dtype).getComponentType(),
        Math.toIntExact(numElements(shape))));
  }

  public int size() {
    return Array.getLength(values);
  }

  /** Dimension 0 (1 for a scalar). */
  public long rows() {
    return shape.length == 0 ? 1 : shape[0];
  }

  /** Elements per row: the product of every dimension but the first. */
  public int rowSize() {
    return shape.length == 0 ? 1 : Math.toIntExact(numElements(Arrays.copyOfRange(shape, 1, shape.length)));
  }

  /** A native tensor holding a copy of the values; the caller closes it. */
  public Tensor toTensor() {
    Shape s = Shape.of(shape);
    return switch (dtype) {
      case DT_INT32 -> TInt32.tensorOf(s, DataBuffers.of((int[]) values, true, false));
      case DT_INT64 -> TInt64.tensorOf(s, DataBuffers.of((long[]) values, true, false));
      case DT_FLOAT -> TFloat32.tensorOf(s, DataBuffers.of((float[]) values, true, false));
      case DT_DOUBLE -> TFloat64.tensorOf(s, DataBuffers.of((double[]) values, true, false));
      case DT_BOOL -> TBool.tensorOf(s, DataBuffers.of((boolean[]) values, true, false));
      default -> throw new IllegalStateException(dtype.name());
    };
  }

  /** Copies a native tensor of a supported dtype into Java memory. */
  public static HostTensor of(Tensor t) {
    DataType dtype = t.dataType();
    if (!supports(dtype)) {
      throw new ServingException(ServingException.Code.UNIMPLEMENTED,
          "Failed to write JSON value for tensor type: " + typeName(dtype));
    }
    HostTensor out = zeros(dtype, t.shape().asArray());
    ByteDataBuffer raw = t.asRawTensor().data();
    switch (dtype) {
      case DT_INT32 -> raw.asInts().read((int[]) out.values);
      case DT_INT64 -> raw.asLongs().read((long[]) out.values);
      case DT_FLOAT -> raw.asFloats().read((float[]) out.values);
      case DT_DOUBLE -> raw.asDoubles().read((double[]) out.values);
      case DT_BOOL -> raw.asBooleans().read((boolean[]) out.values);
      default -> throw new IllegalStateException(dtype.name());
    }
    return out;
  }

  /** Rows [from, to) as a new tensor. */
  public HostTensor sliceRows(int from, int to) {
    int w = rowSize();
    long[] s = shape.clone();
    s[0] = to - from;
    Object v = Array.newInstance(values.getClass().getComponentType(), (to - from) * w);
    System.arraycopy(values, from * w, v, 0, (to - from) * w);
    return new HostTensor(dtype, s, v);
  }

  /**
   * Stacks the rows of {@code parts} (same dtype and row shape) and pads with {@code padRows} copies of the last
   * row, so that a padded batch runs exactly like the real rows it repeats.
   */
  public static HostTensor concatRows(List<HostTensor> parts, int padRows) {
    HostTensor first = parts.get(0);
    int w = first.rowSize();
    long rows = parts.stream().mapToLong(HostTensor::rows).sum();
    long[] s = first.shape.clone();
    s[0] = rows + padRows;
    Object v = Array.newInstance(first.values.getClass().getComponentType(), Math.toIntExact(s[0] * w));
    int at = 0;
    for (HostTensor p : parts) {
      System.arraycopy(p.values, 0, v, at, p.size());
      at += p.size();
    }
    for (int i = 0; i < padRows; i++, at += w) {
      System.arraycopy(v, at - w, v, at, w);
    }
    return new HostTensor(first.dtype, s, v);
  }

  /** Same dtype and the same shape after dimension 0. */
  public boolean sameRowShape(HostTensor o) {
    return dtype == o.dtype && shape.length == o.shape.length && shape.length > 0
        && Arrays.equals(shape, 1, shape.length, o.shape, 1, o.shape.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostTensor h && dtype == h.dtype && Arrays.equals(shape, h.shape)
        && Arrays.deepEquals(new Object[] {values}, new Object[] {h.values});
  }

  @Override
  public int hashCode() {
    return dtype.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return typeName(dtype) + Arrays.toString(shape);
  }
}
