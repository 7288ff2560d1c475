package dev.trm.model;

import static com.google.common.truth.Truth.assertWithMessage;

import dev.trm.model.config.ArchConfig;
import dev.trm.model.config.PosEncoding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Finite-difference check of the gradients of the ACT-step loss for every trained tensor and the puzzle table.
 * With T = 1 the differentiable cycle is the whole step, so the gradient is the true derivative. Weights have their
 * init scale (the loss is too sharp for float32 differences with larger ones); eps = 1e-3.
 */
class GradientCheckTest extends SharedGraphTest {
  private static final ModelDims DIMS = TinyConfigs.TINY_DIMS;

  @Test
  void attentionWithRope() {
    check(TinyConfigs.tiny(false).setHCycles(1).build(), 21);
  }

  @Test
  void attentionWithLearnedPositions() {
    check(TinyConfigs.tiny(false).setHCycles(1).setPosEncodings(PosEncoding.LEARNED).build(), 22);
  }

  @Test
  void mlpMixer() {
    check(TinyConfigs.tiny(true).setHCycles(1).build(), 23);
  }

  private static void check(ArchConfig arch, long seed) {
    TrmModel model = new TrmModel(tf, arch, DIMS);
    FedParams fed = new FedParams(tf, ModelTensors.specs(model.shape()));
    ActStep.Carry carry = ActStep.initialCarry(tf, model.shape(), 2);
    ActStep.NewExamples batch = new ActStep.NewExamples(tf.constant(new int[][] {{1, 2, 3, 4, 1, 2}, {0, 3, 4, 1, 2, 3}}),
        tf.constant(new int[][] {{1, 2, 3, 4, 1, 2}, {2, 3, 4, 1, 2, -100}}), tf.constant(new int[] {1, 2}));
    ActStep.Step out = new ActStep(model).eval(fed.params, carry, batch);
    Operand<TFloat32> loss = Losses.act(tf, arch, out).total();
    List<String> names = new ArrayList<>();
    List<Operand<?>> wrt = new ArrayList<>();
    for (ParamSpec s : fed.specs) {
      if (s.kind() != ParamSpec.Kind.BUFFER) { // H_init/L_init are fixed: cut by design
        names.add(s.name());
        wrt.add(fed.placeholders.get(s.name()));
      }
    }
    List<Operand<?>> grads = new ArrayList<>();
    tf.gradients(loss, wrt).forEach(grads::add);

    Map<String, WeightTensor> values = FedParams.random(fed.specs, seed);
    float[][] analytic = new float[names.size()][];
    try (FedParams.Feeds feeds = fed.feed(session, values)) {
      grads.forEach(feeds.runner::fetch);
      try (Result r = feeds.runner.run()) {
        for (int i = 0; i < analytic.length; i++) {
          analytic[i] = Tensors.floats(r.get(i));
        }
      }
    }
    Random rnd = new Random(seed);
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      float[] g = analytic[i];
      for (int k : coordinates(rnd, g)) {
        double numeric = centralDifference(fed, loss, values, name, k, 1e-3f);
        assertWithMessage("d loss / d %s[%s] (numeric %s)", name, k, numeric)
            .that((double) g[k]).isWithin(1e-3 + 1e-2 * Math.abs(numeric)).of(numeric);
      }
    }
  }

  /** The largest-gradient coordinate plus two random ones. */
  private static int[] coordinates(Random rnd, float[] g) {
    int largest = 0;
    for (int k = 1; k < g.length; k++) {
      if (Math.abs(g[k]) > Math.abs(g[largest])) {
        largest = k;
      }
    }
    return new int[] {largest, rnd.nextInt(g.length), rnd.nextInt(g.length)};
  }

  private static double centralDifference(FedParams fed, Operand<TFloat32> loss, Map<String, WeightTensor> values,
      String name, int k, float eps) {
    return (lossWith(fed, loss, values, name, k, eps) - lossWith(fed, loss, values, name, k, -eps)) / (2 * eps);
  }

  private static double lossWith(FedParams fed, Operand<TFloat32> loss, Map<String, WeightTensor> values,
      String name, int k, float delta) {
    Map<String, WeightTensor> changed = new LinkedHashMap<>(values);
    WeightTensor w = values.get(name);
    float[] data = w.data().clone();
    data[k] += delta;
    changed.put(name, new WeightTensor(w.shape(), data));
    try (FedParams.Feeds feeds = fed.feed(session, changed)) {
      try (Result r = feeds.runner.fetch(loss).run()) {
        return Tensors.floats(r.get(0))[0];
      }
    }
  }
}
