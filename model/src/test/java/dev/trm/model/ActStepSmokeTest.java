package dev.trm.model;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.model.config.ArchConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Builds a whole training step (ACT step, loss, gradients) for both variants and runs it once. */
class ActStepSmokeTest {

  @Test
  void attentionStepRuns() {
    runOnce(TinyConfigs.tiny(false).build());
  }

  @Test
  void mlpMixerStepRuns() {
    runOnce(TinyConfigs.tiny(true).build());
  }

  @Test
  void withoutPuzzleEmbeddingThereIsNoPrefix() {
    runOnce(TinyConfigs.tiny(false).setPuzzleEmbNdim(0).build());
  }

  @Test
  void wrongInputsAreNamed() {
    ArchConfig arch = TinyConfigs.tiny(false).build();
    ModelDims dims = TinyConfigs.TINY_DIMS;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      TrmModel model = new TrmModel(tf, arch, dims);
      TrmParams params = TrmParams.createVariables(tf, arch, dims, 1);
      ActStep.Carry carry = ActStep.initialCarry(tf, model.shape(), 2);
      ActStep step = new ActStep(model);
      ActStep.NewExamples wrongGrid = new ActStep.NewExamples(tf.constant(new int[][] {{1, 2, 3}, {1, 2, 3}}),
          carry.labels(), carry.puzzleIds());
      assertThat(assertThrows(IllegalArgumentException.class,
          () -> step.eval(params, carry, wrongGrid)))
          .hasMessageThat().isEqualTo("examples.inputs has shape [2, 3], expected [?, 6]");
      ActStep.NewExamples batch = new ActStep.NewExamples(carry.inputs(), carry.labels(), carry.puzzleIds());
      assertThat(assertThrows(IllegalArgumentException.class,
          () -> step.train(params, carry, batch, new ActStep.Exploration(tf.constant(new float[][] {{0.5f, 0.5f}}),
              tf.constant(new int[] {2, 2})))))
          .hasMessageThat().isEqualTo("exploration.uniform has shape [1, 2], expected [?]");
      java.util.Map<String, Operand<TFloat32>> partial = new java.util.LinkedHashMap<>(params.reads());
      partial.remove(ModelTensors.LM_HEAD);
      partial.put(ModelTensors.H_INIT, tf.constant(new float[3]));
      assertThat(assertThrows(IllegalArgumentException.class,
          () -> step.eval(TrmParams.of(partial), carry, batch)))
          .hasMessageThat().isEqualTo("model parameters do not fit the config:\n  tensor 'H_init' has shape [3], "
              + "the model needs [8]\n  missing tensor 'lm_head.weight'");
    }
  }

  private static void runOnce(ArchConfig arch) {
    ModelDims dims = TinyConfigs.TINY_DIMS;
    int b = 3;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      TrmParams params = TrmParams.createVariables(tf, arch, dims, 7);
      TrmModel model = new TrmModel(tf, arch, dims);
      ActStep.NewExamples batch = new ActStep.NewExamples(
          tf.constant(new int[][] {{1, 2, 3, 4, 1, 2}, {2, 2, 2, 2, 2, 2}, {4, 3, 2, 1, 0, 0}}),
          tf.constant(new int[][] {{1, 2, 3, 4, 1, 2}, {2, 2, 2, 2, 2, 2}, {4, 3, 2, 1, -100, -100}}),
          tf.constant(new int[] {0, 1, 2}));
      ActStep.Step out = new ActStep(model).train(params, ActStep.initialCarry(tf, model.shape(), b), batch,
          new ActStep.Exploration(tf.constant(new float[] {0.5f, 0.05f, 0.9f}), tf.constant(new int[] {2, 3, 4})));
      Losses.ActLoss loss = Losses.act(tf, arch, out);
      List<Operand<?>> wrt = new ArrayList<>(params.trainable().values());
      if (model.shape().hasPuzzleEmbedding()) {
        wrt.add(out.puzzleRows());
      } else {
        assertThat(model.shape().totalLen()).isEqualTo(dims.seqLen());
        assertThat(out.puzzleRows().shape().get(1)).isEqualTo(0);
      }
      List<Operand<?>> fetches = new ArrayList<>(List.of(out.logits(), loss.total(), out.next().halted(),
          out.next().steps()));
      tf.gradients(loss.total(), wrt).forEach(fetches::add);
      Session.Runner runner = s.runner();
      fetches.forEach(runner::fetch);
      try (Result r = runner.run()) {
        assertThat(r.get(0).shape().asArray()).asList().containsExactly(3L, 6L, 5L).inOrder();
        assertThat(Double.isFinite(Tensors.floats(r.get(1))[0])).isTrue();
        assertThat(Tensors.ints(r.get(3))).asList().containsExactly(1, 1, 1);
        for (int i = 4; i < fetches.size(); i++) {
          for (float v : Tensors.floats(r.get(i))) {
            assertThat(Float.isFinite(v)).isTrue();
          }
        }
      }
    }
  }
}
