package dev.trm.serving;

import static dev.trm.serving.ServingException.invalidArgument;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.tensorflow.proto.DataType;

/**
 * Collects JSON scalars into a growing primitive array of one dtype, converting each exactly as TF Serving does:
 * integers only into integer types (and only if they fit), numbers into floats only without loss of precision,
 * booleans only into bool.
 */
abstract class ValueSink {
  private static final long FLOAT_MAX_EXACT_INT = (1L << 24) - 1;
  private static final long DOUBLE_MAX_EXACT_INT = (1L << 53) - 1;

  protected int count;
  private final DataType dtype;

  private ValueSink(DataType dtype) {
    this.dtype = dtype;
  }

  static ValueSink of(DataType dtype, int capacityHint) {
    int cap = Math.max(16, Math.min(capacityHint, 1 << 16));
    return switch (dtype) {
      case DT_INT32 -> new Ints(cap);
      case DT_INT64 -> new Longs(cap);
      case DT_FLOAT -> new Floats(cap);
      case DT_DOUBLE -> new Doubles(cap);
      case DT_BOOL -> new Bools(cap);
      default -> throw new ServingException(ServingException.Code.UNIMPLEMENTED,
          "Conversion of JSON values to type: " + HostTensor.typeName(dtype) + " is not supported");
    };
  }

  int count() {
    return count;
  }

  abstract void add(JsonNode v);

  /** The values collected so far, as a tensor of {@code shape} (which must hold exactly that many). */
  abstract HostTensor toTensor(long[] shape);

  protected ServingException typeError(JsonNode v) {
    return invalidArgument("JSON Value: " + JsonText.of(v) + " Type: " + JsonText.typeName(v)
        + " is not of expected type: " + HostTensor.typeName(dtype));
  }

  protected static ServingException lossy(JsonNode v, String target) {
    return invalidArgument("Cannot convert JSON value: " + JsonText.of(v) + " to " + target
        + " without loss of precision.");
  }

  /** Exact as a float type whose integers are exact up to {@code maxExactInt} and whose range is {@code max}. */
  protected static boolean lossless(JsonNode v, long maxExactInt, double max) {
    if (v.isIntegralNumber()) {
      return v.canConvertToLong() && Math.abs(v.longValue()) <= maxExactInt;
    }
    double d = v.doubleValue();
    return !Double.isFinite(d) || Math.abs(d) <= max;
  }

  private static final class Ints extends ValueSink {
    private int[] a;

    Ints(int cap) {
      super(DataType.DT_INT32);
      a = new int[cap];
    }

    @Override
    void add(JsonNode v) {
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw typeError(v);
      }
      if (count == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[count++] = v.intValue();
    }

    @Override
    HostTensor toTensor(long[] shape) {
      return new HostTensor(DataType.DT_INT32, shape, Arrays.copyOf(a, count));
    }
  }

  private static final class Longs extends ValueSink {
    private long[] a;

    Longs(int cap) {
      super(DataType.DT_INT64);
      a = new long[cap];
    }

    @Override
    void add(JsonNode v) {
      if (!v.isIntegralNumber() || !v.canConvertToLong()) {
        throw typeError(v);
      }
      if (count == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[count++] = v.longValue();
    }

    @Override
    HostTensor toTensor(long[] shape) {
      return new HostTensor(DataType.DT_INT64, shape, Arrays.copyOf(a, count));
    }
  }

  private static final class Floats extends ValueSink {
    private float[] a;

    Floats(int cap) {
      super(DataType.DT_FLOAT);
      a = new float[cap];
    }

    @Override
    void add(JsonNode v) {
      if (!v.isNumber()) {
        throw typeError(v);
      }
      if (!lossless(v, FLOAT_MAX_EXACT_INT, Float.MAX_VALUE)) {
        throw lossy(v, "float");
      }
      if (count == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[count++] = v.floatValue();
    }

    @Override
    HostTensor toTensor(long[] shape) {
      return new HostTensor(DataType.DT_FLOAT, shape, Arrays.copyOf(a, count));
    }
  }

  private static final class Doubles extends ValueSink {
    private double[] a;

    Doubles(int cap) {
      super(DataType.DT_DOUBLE);
      a = new double[cap];
    }

    @Override
    void add(JsonNode v) {
      if (!v.isNumber()) {
        throw typeError(v);
      }
      if (!lossless(v, DOUBLE_MAX_EXACT_INT, Double.MAX_VALUE)) {
        throw lossy(v, "double");
      }
      if (count == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[count++] = v.doubleValue();
    }

    @Override
    HostTensor toTensor(long[] shape) {
      return new HostTensor(DataType.DT_DOUBLE, shape, Arrays.copyOf(a, count));
    }
  }

  private static final class Bools extends ValueSink {
    private boolean[] a;

    Bools(int cap) {
      super(DataType.DT_BOOL);
      a = new boolean[cap];
    }

    @Override
    void add(JsonNode v) {
      if (!v.isBoolean()) {
        throw typeError(v);
      }
      if (count == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[count++] = v.booleanValue();
    }

    @Override
    HostTensor toTensor(long[] shape) {
      return new HostTensor(DataType.DT_BOOL, shape, Arrays.copyOf(a, count));
    }
  }
}
