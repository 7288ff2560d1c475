package dev.trm.model;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.model.config.ArchConfig;
import dev.trm.model.config.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** forward_dtype BFLOAT16: bf16 matmuls on fp32 master weights run, differentiate, and stay close to fp32. */
class Bf16Test extends SharedGraphTest {
  @Test
  void attention() {
    compare(TinyConfigs.tiny(false).setHiddenSize(32).setPuzzleEmbNdim(32).build());
  }

  @Test
  void mlpMixer() {
    compare(TinyConfigs.tiny(true).setHiddenSize(32).setPuzzleEmbNdim(32).build());
  }

  private static void compare(ArchConfig fp32) {
    ArchConfig bf16 = fp32.toBuilder().setForwardDtype(DType.BFLOAT16).build();
    ModelDims dims = TinyConfigs.TINY_DIMS;
    FedParams fed = new FedParams(tf, ModelTensors.specs(fp32, dims));
    Map<String, WeightTensor> values = FedParams.random(fed.specs, 31);
    float[][] logits = new float[2][];
    float[][] grads = new float[2][];
    ArchConfig[] archs = {fp32, bf16};
    for (int i = 0; i < 2; i++) {
      TrmModel model = new TrmModel(tf, archs[i], dims);
      ActStep.Step out = new ActStep(model).eval(fed.params, ActStep.initialCarry(tf, model.shape(), 2),
          new ActStep.NewExamples(tf.constant(new int[][] {{1, 2, 3, 4, 1, 2}, {2, 3, 4, 1, 2, 3}}),
              tf.constant(new int[][] {{1, 2, 3, 4, 1, 2}, {2, 3, 4, 1, 2, 3}}), tf.constant(new int[] {0, 1})));
      Operand<TFloat32> loss = Losses.act(tf, archs[i], out).total();
      Operand<?> grad = tf.gradients(loss, List.of(fed.placeholders.get(ModelTensors.LM_HEAD))).iterator().next();
      try (FedParams.Feeds feeds = fed.feed(session, values)) {
        try (Result r = feeds.runner.fetch(out.logits()).fetch(grad).run()) {
          logits[i] = Tensors.floats(r.get(0));
          grads[i] = Tensors.floats(r.get(1));
        }
      }
    }
    double logitDiff = maxAbsDiff(logits[0], logits[1]);
    // bf16 keeps 8 mantissa bits (relative 4e-3 per rounding); through 12 layers the logits (|x| ~ 1-3) move by
    // a few 1e-2, not more.
    assertThat(logitDiff).isGreaterThan(0.0);
    assertThat(logitDiff).isLessThan(0.15 * maxAbs(logits[0]));
    assertThat(maxAbsDiff(grads[0], grads[1])).isLessThan(0.15 * maxAbs(grads[0]));
  }

  private static double maxAbsDiff(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  private static double maxAbs(float[] a) {
    double m = 0;
    for (float v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }
}
