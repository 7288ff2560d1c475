package dev.trm.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Model parameters as placeholders, fed from host values, so tests can set and perturb any weight. */
final class FedParams {
  final List<ParamSpec> specs;
  final Map<String, Placeholder<TFloat32>> placeholders = new LinkedHashMap<>();
  final TrmParams params;

  FedParams(Ops tf, List<ParamSpec> specs) {
    this.specs = specs;
    for (ParamSpec s : specs) {
      placeholders.put(s.name(), tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(s.shape()))));
    }
    this.params = TrmParams.of(new LinkedHashMap<>(placeholders));
  }

  /**
   * Gaussian values with each tensor's init std (LeCun for linears), and std 0.5 where the init is a constant (so
   * the q head and the puzzle table are not zero, unlike a fresh model).
   */
  static Map<String, WeightTensor> random(List<ParamSpec> specs, long seed) {
    Random rnd = new Random(seed);
    Map<String, WeightTensor> out = new LinkedHashMap<>();
    for (ParamSpec s : specs) {
      double std = s.init() instanceof ParamSpec.TruncNormal t ? t.std() : 0.5;
      float[] data = new float[(int) s.numElements()];
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) (rnd.nextGaussian() * std);
      }
      out.put(s.name(), new WeightTensor(s.shape(), data));
    }
    return out;
  }

  /** A runner feeding {@code values} (closed by {@link Feeds#close}). */
  Feeds feed(Session session, Map<String, WeightTensor> values) {
    Feeds feeds = new Feeds(session.runner());
    values.forEach((name, w) -> feeds.feed(placeholders.get(name), ParamValues.toTensor(w)));
    return feeds;
  }

  /** A runner plus the tensors it feeds. */
  static final class Feeds implements AutoCloseable {
    final Session.Runner runner;
    private final List<org.tensorflow.Tensor> owned = new ArrayList<>();

    Feeds(Session.Runner runner) {
      this.runner = runner;
    }

    Feeds feed(Operand<?> op, org.tensorflow.Tensor t) {
      owned.add(t);
      runner.feed(op, t);
      return this;
    }

    @Override
    public void close() {
      owned.forEach(org.tensorflow.Tensor::close);
    }
  }
}
