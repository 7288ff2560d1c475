package dev.trm.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Moves named weights between the host ({@link WeightTensor}) and a graph, checking them against the specs. */
public final class ParamValues {
  private ParamValues() {}

  /** Runs {@code params}' reads in {@code session} and copies them to the host, by official name. */
  public static Map<String, WeightTensor> fetch(Session session, TrmParams params) {
    Session.Runner runner = session.runner();
    List<String> names = List.copyOf(params.reads().keySet());
    names.forEach(n -> runner.fetch(params.get(n)));
    Map<String, WeightTensor> out = new LinkedHashMap<>();
    try (Result r = runner.run()) {
      for (int i = 0; i < names.size(); i++) {
        out.put(names.get(i), toHost(r.get(i)));
      }
    }
    return out;
  }

  /** A host copy of a float tensor. */
  public static WeightTensor toHost(Tensor t) {
    float[] data = new float[Math.toIntExact(t.shape().size())];
    ((TFloat32) t).asRawTensor().data().asFloats().read(data);
    return new WeightTensor(t.shape().asArray(), data);
  }

  /** A new tensor holding {@code w}; the caller closes it. */
  public static TFloat32 toTensor(WeightTensor w) {
    return TFloat32.tensorOf(Shape.of(w.shape()), DataBuffers.of(w.data(), true, false));
  }

  /**
   * Checks that {@code weights} holds exactly the tensors of {@code specs} with their shapes; the message names
   * every missing, unexpected or misshapen key ({@code source} names where the weights came from).
   */
  public static void check(String source, List<ParamSpec> specs, Map<String, WeightTensor> weights) {
    StringBuilder problems = new StringBuilder();
    Set<String> expected = specs.stream().map(ParamSpec::name).collect(Collectors.toSet());
    for (ParamSpec spec : specs) {
      WeightTensor w = weights.get(spec.name());
      if (w == null) {
        problems.append("\n  missing tensor '").append(spec.name()).append("'");
      } else if (!Arrays.equals(w.shape(), spec.shape())) {
        problems.append("\n  tensor '").append(spec.name()).append("' has shape ").append(Arrays.toString(w.shape()))
            .append(", the model needs ").append(Arrays.toString(spec.shape()));
      }
    }
    weights.keySet().stream().filter(k -> !expected.contains(k))
        .forEach(k -> problems.append("\n  unexpected tensor '").append(k).append("'"));
    if (problems.length() > 0) {
      throw new IllegalArgumentException(source + ": weights do not fit the model:" + problems);
    }
  }
}
