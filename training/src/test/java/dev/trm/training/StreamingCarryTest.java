package dev.trm.training;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.datasets.Batch;
import dev.trm.model.ModelDims;
import dev.trm.model.ModelTensors;
import dev.trm.model.config.TrmConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The official streaming carry: a step's halted slots take their row of the next batch, the others keep
 * their example; one step runs per call and every call counts one optimizer step.
 */
class StreamingCarryTest {
  private static final int B = 16;
  @TempDir static Path dir;
  private static TrainStepGraph graph;

  @BeforeAll
  static void build() {
    // q_halt is forced positive below, so only exploration (p = 0.5, min_halt in [2, 4]) keeps slots running.
    TrmConfig config = TinyRuns.config(dir,
        "epochs: 1 eval_interval: 1 optimizer: ADAMW lr: 1e-4 weight_decay: 0 puzzle_emb_lr: 1e-4 ema_rate: 0.9",
        "puzzle_emb_ndim: 16 halt_max_steps: 4 halt_exploration_prob: 0.5");
    TrmConfig batch16 = config.toBuilder().setTrain(config.getTrain().toBuilder().setGlobalBatchSize(B)).build();
    graph = TrainStepGraph.create(batch16, new ModelDims(TinyRuns.VOCAB, TinyRuns.SEQ_LEN, 3), B);
    Ops tf = Ops.create(graph.graph());
    Output<TFloat32> bias = graph.graph().operation(ModelTensors.Q_HEAD_BIAS).output(0);
    graph.session().run(tf.assign(bias, tf.constant(new float[] {5f, 5f})));
  }

  @AfterAll
  static void close() {
    graph.close();
  }

  @Test
  void haltedSlotsTakeTheNewRowAndOthersKeepTheirs() {
    Batch a = batch(1);
    Batch b = batch(2);
    graph.step(a);
    // Every slot starts halted, so the first step loads all of batch a.
    assertThat(carryInputs()).isEqualTo(a.inputs());
    boolean[] halted = carryHalted();
    int haltedCount = 0;
    for (boolean h : halted) {
      haltedCount += h ? 1 : 0;
    }
    // The draw must give both kinds of slot, or the check below proves nothing.
    assertThat(haltedCount).isGreaterThan(0);
    assertThat(haltedCount).isLessThan(B);

    StepResult r = graph.step(b);
    int[] now = carryInputs();
    int s = TinyRuns.SEQ_LEN;
    for (int slot = 0; slot < B; slot++) {
      Batch expected = halted[slot] ? b : a;
      for (int i = 0; i < s; i++) {
        assertThat(now[slot * s + i]).isEqualTo(expected.inputs()[slot * s + i]);
      }
    }
    assertThat(r.step()).isEqualTo(2);
    assertThat(graph.stepsDone()).isEqualTo(2);
  }

  /** A batch whose every token names the batch, so rows can be told apart. */
  private static Batch batch(int token) {
    int[] inputs = new int[B * TinyRuns.SEQ_LEN];
    int[] labels = new int[B * TinyRuns.SEQ_LEN];
    int[] ids = new int[B];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = token;
      labels[i] = token + 1;
    }
    java.util.Arrays.fill(ids, token);
    return new Batch(B, TinyRuns.SEQ_LEN, inputs, labels, ids, B);
  }

  private static int[] carryInputs() {
    try (Result r = graph.session().runner().fetch("carry/inputs").run()) {
      int[] out = new int[B * TinyRuns.SEQ_LEN];
      ((TInt32) r.get(0)).asRawTensor().data().asInts().read(out);
      return out;
    }
  }

  private static boolean[] carryHalted() {
    try (Result r = graph.session().runner().fetch("carry/halted").run()) {
      TBool t = (TBool) r.get(0);
      boolean[] out = new boolean[B];
      for (int i = 0; i < B; i++) {
        out[i] = t.getBoolean(i);
      }
      return out;
    }
  }
}
