package dev.trm.serving;

import static dev.trm.serving.ServingException.invalidArgument;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Converts between {@code tensorflow.TensorProto} (the gRPC API's tensors) and {@link HostTensor}, as TensorFlow's
 * {@code Tensor::FromProto} reads them: the values come from {@code tensor_content} (raw little-endian bytes) when it
 * is set, else from the typed field of the dtype ({@code int_val}, {@code int64_val}, {@code float_val},
 * {@code double_val}, {@code bool_val}); fewer typed values than elements repeat the last one (none: zeros).
 * Outputs are written in the typed fields, as TF Serving does by default.
 */
final class TensorProtoCodec {
  private TensorProtoCodec() {}

  /**
   * The tensor {@code proto} holds, for input {@code alias} (named in errors); at most {@code maxElements} elements,
   * so that a small message cannot ask for a huge tensor.
   */
  static HostTensor fromProto(String alias, TensorProto proto, long maxElements) {
    DataType dtype = proto.getDtype();
    if (!HostTensor.supports(dtype)) {
      throw invalidArgument("input '" + alias + "' has dtype " + HostTensor.typeName(dtype)
          + "; trm serve takes int32, int64, float, double and bool tensors");
    }
    long[] shape = shape(alias, proto.getTensorShape());
    long n = 1;
    for (long d : shape) {
      n = d == 0 ? 0 : (n > maxElements / d ? Long.MAX_VALUE : n * d);
    }
    if (n > maxElements) {
      throw invalidArgument("input '" + alias + "' has shape " + PredictRequestDecoder.shapeString(shape)
          + ": more than " + maxElements + " elements");
    }
    HostTensor out = HostTensor.zeros(dtype, shape);
    if (!proto.getTensorContent().isEmpty()) {
      readContent(alias, proto.getTensorContent(), out);
    } else {
      readTyped(alias, proto, out);
    }
    return out;
  }

  private static long[] shape(String alias, TensorShapeProto s) {
    if (s.getUnknownRank()) {
      throw invalidArgument("input '" + alias + "' has an unknown rank; give its tensor_shape");
    }
    long[] shape = s.getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray();
    for (long d : shape) {
      if (d < 0) {
        throw invalidArgument("input '" + alias + "' has shape " + PredictRequestDecoder.shapeString(shape)
            + ": every dimension must be known (>= 0)");
      }
    }
    return shape;
  }

  private static void readContent(String alias, ByteString content, HostTensor out) {
    int width = switch (out.dtype()) {
      case DT_INT32, DT_FLOAT -> 4;
      case DT_INT64, DT_DOUBLE -> 8;
      default -> 1;
    };
    if (content.size() != (long) out.size() * width) {
      throw invalidArgument("input '" + alias + "': tensor_content holds " + content.size() + " bytes, the shape "
          + PredictRequestDecoder.shapeString(out.shape()) + " of " + HostTensor.typeName(out.dtype()) + " needs "
          + (long) out.size() * width);
    }
    ByteBuffer b = content.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    switch (out.dtype()) {
      case DT_INT32 -> b.asIntBuffer().get((int[]) out.values());
      case DT_INT64 -> b.asLongBuffer().get((long[]) out.values());
      case DT_FLOAT -> b.asFloatBuffer().get((float[]) out.values());
      case DT_DOUBLE -> b.asDoubleBuffer().get((double[]) out.values());
      case DT_BOOL -> {
        boolean[] v = (boolean[]) out.values();
        for (int i = 0; i < v.length; i++) {
          v[i] = b.get(i) != 0;
        }
      }
      default -> throw new IllegalStateException(out.dtype().name());
    }
  }

  private static void readTyped(String alias, TensorProto p, HostTensor out) {
    int count = switch (out.dtype()) {
      case DT_INT32 -> p.getIntValCount();
      case DT_INT64 -> p.getInt64ValCount();
      case DT_FLOAT -> p.getFloatValCount();
      case DT_DOUBLE -> p.getDoubleValCount();
      case DT_BOOL -> p.getBoolValCount();
      default -> throw new IllegalStateException(out.dtype().name());
    };
    int n = out.size();
    if (count > n) {
      throw invalidArgument("input '" + alias + "' holds " + count + " values, more than its shape "
          + PredictRequestDecoder.shapeString(out.shape()) + " has elements (" + n + ")");
    }
    if (count == 0) {
      return;
    }
    for (int i = 0; i < n; i++) {
      int at = Math.min(i, count - 1);
      switch (out.dtype()) {
        case DT_INT32 -> ((int[]) out.values())[i] = p.getIntVal(at);
        case DT_INT64 -> ((long[]) out.values())[i] = p.getInt64Val(at);
        case DT_FLOAT -> ((float[]) out.values())[i] = p.getFloatVal(at);
        case DT_DOUBLE -> ((double[]) out.values())[i] = p.getDoubleVal(at);
        case DT_BOOL -> ((boolean[]) out.values())[i] = p.getBoolVal(at);
        default -> throw new IllegalStateException(out.dtype().name());
      }
    }
  }

  /** {@code t} with its values in the typed field of its dtype. */
  static TensorProto toProto(HostTensor t) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    Arrays.stream(t.shape()).forEach(d -> shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d)));
    TensorProto.Builder p = TensorProto.newBuilder().setDtype(t.dtype()).setTensorShape(shape);
    switch (t.dtype()) {
      case DT_INT32 -> Arrays.stream((int[]) t.values()).forEach(p::addIntVal);
      case DT_INT64 -> Arrays.stream((long[]) t.values()).forEach(p::addInt64Val);
      case DT_FLOAT -> {
        for (float f : (float[]) t.values()) {
          p.addFloatVal(f);
        }
      }
      case DT_DOUBLE -> Arrays.stream((double[]) t.values()).forEach(p::addDoubleVal);
      case DT_BOOL -> {
        for (boolean b : (boolean[]) t.values()) {
          p.addBoolVal(b);
        }
      }
      default -> throw new IllegalStateException(t.dtype().name());
    }
    return p.build();
  }
}
