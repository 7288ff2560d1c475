import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Loads a SavedModel with TensorFlow Java alone (it is compiled and run with nothing but the TensorFlow jars on the
 * class path, in its own JVM) and calls signatures by name, the way any TF runtime would.
 *
 * <p>Usage: {@code ReloadMain <saved_model_dir> <requests> <responses>}. Both files hold one tensor per line, tab
 * separated: {@code signature alias dtype dims values}, dtype int32, float or bool, dims comma-separated, values
 * space-separated in row-major order. Every output of every requested signature is written to the responses; each
 * signature's key and method name is printed to stdout.
 */
public final class ReloadMain {
  public static void main(String[] args) throws Exception {
    Map<String, Map<String, Tensor>> requests = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)) {
      String[] f = line.split("\t", -1);
      requests.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).put(f[1], tensor(f[2], f[3], f[4]));
    }
    List<String> out = new ArrayList<>();
    try (SavedModelBundle bundle = SavedModelBundle.load(args[0], "serve")) {
      for (Map.Entry<String, SignatureDef> e : bundle.metaGraphDef().getSignatureDefMap().entrySet()) {
        System.out.println("signature " + e.getKey() + " " + e.getValue().getMethodName());
      }
      for (Map.Entry<String, Map<String, Tensor>> req : requests.entrySet()) {
        try (Result r = bundle.function(req.getKey()).call(req.getValue())) {
          for (Map.Entry<String, Tensor> o : r) {
            out.add(req.getKey() + "\t" + o.getKey() + "\t" + text(o.getValue()));
          }
        }
        req.getValue().values().forEach(Tensor::close);
      }
    }
    Files.write(Path.of(args[2]), out, StandardCharsets.UTF_8);
  }

  private static Tensor tensor(String dtype, String dims, String values) {
    long[] shape = dims.isEmpty() ? new long[0]
        : java.util.Arrays.stream(dims.split(",")).mapToLong(Long::parseLong).toArray();
    String[] v = values.isEmpty() ? new String[0] : values.split(" ");
    switch (dtype) {
      case "int32": {
        int[] a = new int[v.length];
        for (int i = 0; i < a.length; i++) {
          a[i] = Integer.parseInt(v[i]);
        }
        return TInt32.tensorOf(Shape.of(shape), DataBuffers.of(a, true, false));
      }
      case "float": {
        float[] a = new float[v.length];
        for (int i = 0; i < a.length; i++) {
          a[i] = Float.parseFloat(v[i]);
        }
        return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(a, true, false));
      }
      case "bool": {
        boolean[] a = new boolean[v.length];
        for (int i = 0; i < a.length; i++) {
          a[i] = Boolean.parseBoolean(v[i]);
        }
        return TBool.tensorOf(Shape.of(shape), DataBuffers.of(a, true, false));
      }
      default:
        throw new IllegalArgumentException("dtype " + dtype);
    }
  }

  private static String text(Tensor t) {
    StringBuilder s = new StringBuilder();
    long[] shape = t.shape().asArray();
    int n = (int) t.shape().size();
    StringBuilder dims = new StringBuilder();
    for (int i = 0; i < shape.length; i++) {
      dims.append(i > 0 ? "," : "").append(shape[i]);
    }
    String dtype;
    if (t instanceof TInt32) {
      dtype = "int32";
      int[] a = new int[n];
      t.asRawTensor().data().asInts().read(a);
      for (int x : a) {
        s.append(s.length() > 0 ? " " : "").append(x);
      }
    } else if (t instanceof TFloat32) {
      dtype = "float";
      float[] a = new float[n];
      t.asRawTensor().data().asFloats().read(a);
      for (float x : a) {
        s.append(s.length() > 0 ? " " : "").append(x);
      }
    } else {
      dtype = "bool";
      boolean[] a = new boolean[n];
      t.asRawTensor().data().asBooleans().read(a);
      for (boolean x : a) {
        s.append(s.length() > 0 ? " " : "").append(x);
      }
    }
    return dtype + "\t" + dims + "\t" + s;
  }
}
