package dev.trm.serving;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/** One signature of a SavedModel: its inputs and outputs by alias, sorted (the order JSON responses use). */
public record SignatureInfo(String key, String methodName, Map<String, TensorSpec> inputs,
    Map<String, TensorSpec> outputs) {

  /** One input or output: the graph tensor it names, its dtype and its static shape (-1 = any size). */
  public record TensorSpec(String alias, String tensorName, DataType dtype, long[] shape) {
    /** Null when the rank is unknown. */
    @Override
    public long[] shape() {
      return shape == null ? null : shape.clone();
    }

    /** Whether a tensor of {@code actual} shape may be fed here. */
    public boolean accepts(long[] actual) {
      if (shape == null) {
        return true;
      }
      if (actual.length != shape.length) {
        return false;
      }
      for (int i = 0; i < shape.length; i++) {
        if (shape[i] >= 0 && shape[i] != actual[i]) {
          return false;
        }
      }
      return true;
    }

    public String shapeString() {
      return shape == null ? "[?]" : Arrays.toString(shape).replace(" ", "");
    }
  }

  public static SignatureInfo of(String key, SignatureDef def) {
    return new SignatureInfo(key, def.getMethodName(), specs(def.getInputsMap()), specs(def.getOutputsMap()));
  }

  private static Map<String, TensorSpec> specs(Map<String, TensorInfo> infos) {
    Map<String, TensorSpec> out = new TreeMap<>();
    infos.forEach((alias, info) -> out.put(alias, new TensorSpec(alias, info.getName(), info.getDtype(),
        shape(info.getTensorShape()))));
    return Collections.unmodifiableMap(out);
  }

  private static long[] shape(TensorShapeProto proto) {
    if (proto.getUnknownRank()) {
      return null;
    }
    return proto.getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray();
  }
}
