package dev.trm.serving;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

class TensorProtoCodecTest {
  private static TensorProto.Builder proto(DataType dtype, long... shape) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    Arrays.stream(shape).forEach(d -> s.addDim(TensorShapeProto.Dim.newBuilder().setSize(d)));
    return TensorProto.newBuilder().setDtype(dtype).setTensorShape(s);
  }

  @Test
  void typedFieldsRoundTripForEveryDtype() {
    HostTensor[] tensors = {
        new HostTensor(DataType.DT_INT32, new long[] {2, 2}, new int[] {1, -2, 3, 4}),
        new HostTensor(DataType.DT_INT64, new long[] {3}, new long[] {Long.MAX_VALUE, 0, -1}),
        new HostTensor(DataType.DT_FLOAT, new long[] {1, 2}, new float[] {0.5f, Float.NaN}),
        new HostTensor(DataType.DT_DOUBLE, new long[] {2}, new double[] {1e300, -0.0}),
        new HostTensor(DataType.DT_BOOL, new long[] {}, new boolean[] {true}),
    };
    for (HostTensor t : tensors) {
      assertThat(TensorProtoCodec.fromProto("x", TensorProtoCodec.toProto(t), 100)).isEqualTo(t);
    }
    assertThat(TensorProtoCodec.toProto(tensors[0]).getIntValList()).containsExactly(1, -2, 3, 4).inOrder();
  }

  @Test
  void tensorContentIsLittleEndian() {
    ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).putFloat(3f);
    HostTensor t = TensorProtoCodec.fromProto("x",
        proto(DataType.DT_FLOAT, 3).setTensorContent(ByteString.copyFrom(b.array())).build(), 100);
    assertThat((float[]) t.values()).isEqualTo(new float[] {1.5f, -2f, 3f});
  }

  @Test
  void fewerValuesRepeatTheLastAndNoneAreZeros() {
    assertThat((int[]) TensorProtoCodec.fromProto("x", proto(DataType.DT_INT32, 2, 2).addIntVal(7).addIntVal(8)
        .build(), 100).values()).isEqualTo(new int[] {7, 8, 8, 8});
    assertThat((int[]) TensorProtoCodec.fromProto("x", proto(DataType.DT_INT32, 3).build(), 100).values())
        .isEqualTo(new int[] {0, 0, 0});
  }

  @Test
  void badTensorsAreInvalidArgumentsNamingTheInput() {
    String[][] cases = {
        {"dtype", "input 'x' has dtype string; trm serve takes int32, int64, float, double and bool tensors"},
        {"count", "input 'x' holds 3 values, more than its shape [2] has elements (2)"},
        {"content", "input 'x': tensor_content holds 3 bytes, the shape [2] of int32 needs 8"},
        {"rank", "input 'x' has an unknown rank; give its tensor_shape"},
        {"dim", "input 'x' has shape [-1,2]: every dimension must be known (>= 0)"},
        {"huge", "input 'x' has shape [1000000,1000000]: more than 100 elements"},
    };
    for (String[] c : cases) {
      TensorProto p = switch (c[0]) {
        case "dtype" -> proto(DataType.DT_STRING, 1).build();
        case "count" -> proto(DataType.DT_INT32, 2).addIntVal(1).addIntVal(2).addIntVal(3).build();
        case "content" -> proto(DataType.DT_INT32, 2).setTensorContent(ByteString.copyFrom(new byte[3])).build();
        case "rank" -> proto(DataType.DT_INT32).setTensorShape(TensorShapeProto.newBuilder().setUnknownRank(true))
            .build();
        case "dim" -> proto(DataType.DT_INT32, -1, 2).build();
        default -> proto(DataType.DT_INT32, 1_000_000, 1_000_000).addIntVal(1).build();
      };
      ServingException e = assertThrows(ServingException.class, () -> TensorProtoCodec.fromProto("x", p, 100));
      assertThat(e.code()).isEqualTo(ServingException.Code.INVALID_ARGUMENT);
      assertThat(e).hasMessageThat().isEqualTo(c[1]);
    }
  }
}
