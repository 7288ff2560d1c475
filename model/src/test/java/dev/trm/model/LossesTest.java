package dev.trm.model;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.model.config.LossType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The ACT loss head against hand computations. */
class LossesTest extends SharedGraphTest {
  // B = 3, S = 2, V = 3. Slot 0 is exactly right; slot 1 gets its only valid token wrong; slot 2 has no valid label.
  private static final float[][][] LOGITS = {
      {{1, -1, 0}, {0.5f, 2, -2}},
      {{0, 0, 3}, {1, 2, 3}},
      {{1, 2, 3}, {3, 2, 1}}};
  private static final int[][] LABELS = {{0, 1}, {1, -100}, {-100, -100}};
  private static final float[] Q_HALT = {0.3f, -0.2f, 1.5f};

  private static Losses.ActLoss loss(LossType type, boolean[] halted) {
    return Losses.act(tf, type, tf.constant(LOGITS), tf.constant(LABELS), tf.constant(Q_HALT),
        tf.constant(halted), tf.constant(new int[] {3, 5, 7}));
  }

  private static float[] scalars(List<Operand<TFloat32>> ops) {
    Session.Runner r = session.runner();
    ops.forEach(r::fetch);
    try (Result res = r.run()) {
      float[] out = new float[ops.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = Tensors.floats(res.get(i))[0];
      }
      return out;
    }
  }

  /** Official stablemax: s(x) = x + 1 if x >= 0 else 1 / (1 - x). */
  private static double s(double x) {
    return x >= 0 ? x + 1 : 1 / (1 - x + 1e-30);
  }

  private static double stablemaxCe(float[] logits, int label) {
    double sum = 0;
    for (float x : logits) {
      sum += s(x);
    }
    return -Math.log(s(logits[label]) / sum);
  }

  private static double softmaxCe(float[] logits, int label) {
    double sum = 0;
    for (float x : logits) {
      sum += Math.exp(x);
    }
    return Math.log(sum) - logits[label];
  }

  private static double softplus(double x) {
    return Math.log1p(Math.exp(x));
  }

  @Test
  void stablemaxMatchesTheHandValue() {
    // s([1, -1, 0]) = [2, 0.5, 1]: p(label 0) = 2 / 3.5.
    assertThat(stablemaxCe(LOGITS[0][0], 0)).isWithin(1e-12).of(-Math.log(2 / 3.5));
    Operand<TFloat32> ce = Losses.stablemaxCrossEntropy(tf, tf.constant(LOGITS), tf.constant(new int[][] {
        {0, 1}, {1, 0}, {2, 2}}));
    try (Result r = session.runner().fetch(ce).run()) {
      assertThat(Tensors.floats(r.get(0))).usingTolerance(1e-6).containsExactly(
          (float) stablemaxCe(LOGITS[0][0], 0), (float) stablemaxCe(LOGITS[0][1], 1),
          (float) stablemaxCe(LOGITS[1][0], 1), (float) stablemaxCe(LOGITS[1][1], 0),
          (float) stablemaxCe(LOGITS[2][0], 2), (float) stablemaxCe(LOGITS[2][1], 2)).inOrder();
    }
  }

  @Test
  void lossesAreSequenceMeansSummedOverTheBatchPlusHalfTheBce() {
    for (LossType type : new LossType[] {LossType.STABLEMAX_CROSS_ENTROPY, LossType.SOFTMAX_CROSS_ENTROPY}) {
      boolean stablemax = type == LossType.STABLEMAX_CROSS_ENTROPY;
      Losses.ActLoss loss = loss(type, new boolean[] {true, true, true});
      float[] v = scalars(List.of(loss.lmLoss(), loss.qHaltLoss(), loss.total()));
      double ce00 = stablemax ? stablemaxCe(LOGITS[0][0], 0) : softmaxCe(LOGITS[0][0], 0);
      double ce01 = stablemax ? stablemaxCe(LOGITS[0][1], 1) : softmaxCe(LOGITS[0][1], 1);
      double ce10 = stablemax ? stablemaxCe(LOGITS[1][0], 1) : softmaxCe(LOGITS[1][0], 1);
      double lm = (ce00 + ce01) / 2 + ce10 / 1; // slot 2: no valid token, contributes 0
      // Targets: slot 0 right (1); slot 1 wrong (0); slot 2 "right" vacuously (1), as in the official code.
      double bce = softplus(-Q_HALT[0]) + softplus(Q_HALT[1]) + softplus(-Q_HALT[2]);
      assertThat(v[0]).isWithin(1e-5f).of((float) lm);
      assertThat(v[1]).isWithin(1e-5f).of((float) bce);
      assertThat(v[2]).isWithin(1e-5f).of((float) (lm + 0.5 * bce));
    }
  }

  @Test
  void metricsCountOnlySlotsHaltedThisStepWithAValidLabel() {
    Losses.ActLoss all = loss(LossType.STABLEMAX_CROSS_ENTROPY, new boolean[] {true, true, true});
    // count 2 (slot 2 has no label); accuracy 1 + 0; exact 1; q_halt right for both (0.3 >= 0 & right,
    // -0.2 < 0 & wrong); steps 3 + 5.
    assertThat(scalars(List.of(all.count(), all.accuracy(), all.exactAccuracy(), all.qHaltAccuracy(), all.steps())))
        .usingExactEquality().containsExactly(2f, 1f, 1f, 2f, 8f).inOrder();
    Losses.ActLoss one = loss(LossType.STABLEMAX_CROSS_ENTROPY, new boolean[] {false, true, true});
    assertThat(scalars(List.of(one.count(), one.accuracy(), one.exactAccuracy(), one.qHaltAccuracy(), one.steps())))
        .usingExactEquality().containsExactly(1f, 0f, 0f, 1f, 5f).inOrder();
    try (Result r = session.runner().fetch(all.predictions()).run()) {
      assertThat(Tensors.ints(r.get(0))).asList().containsExactly(0, 1, 2, 2, 2, 0).inOrder();
    }
  }

  @Test
  void partialAccuracyIsPerSequenceAndIgnoresMaskedTokens() {
    // One slot, 4 tokens, 3 valid, 2 of them right: accuracy 2/3, not exact.
    float[][][] logits = {{{5, 0}, {5, 0}, {0, 5}, {0, 5}}};
    Losses.ActLoss loss = Losses.act(tf, LossType.STABLEMAX_CROSS_ENTROPY, tf.constant(logits),
        tf.constant(new int[][] {{0, 1, 1, -100}}), tf.constant(new float[] {0}), tf.constant(new boolean[] {true}),
        tf.constant(new int[] {1}));
    assertThat(scalars(List.of(loss.accuracy(), loss.exactAccuracy(), loss.qHaltAccuracy())))
        .usingTolerance(1e-6).containsExactly(2f / 3, 0f, 0f).inOrder();
  }

  @Test
  void gradientFlowsToLogitsAndQHaltOnlyThroughTheLosses() {
    Operand<TFloat32> logits = tf.constant(LOGITS);
    Operand<TFloat32> q = tf.constant(Q_HALT);
    Losses.ActLoss loss = Losses.act(tf, LossType.STABLEMAX_CROSS_ENTROPY, logits, tf.constant(LABELS), q,
        tf.constant(new boolean[] {true, true, true}), tf.constant(new int[] {1, 1, 1}));
    var grads = tf.gradients(loss.total(), List.of(logits, q));
    Session.Runner r = session.runner();
    grads.forEach(r::fetch);
    try (Result res = r.run()) {
      float[] dq = Tensors.floats(res.get(1));
      // d(0.5 BCE)/dq = 0.5 (sigmoid(q) - target)
      assertThat(dq[0]).isWithin(1e-6f).of((float) (0.5 * (1 / (1 + Math.exp(-0.3)) - 1)));
      assertThat(dq[1]).isWithin(1e-6f).of((float) (0.5 * (1 / (1 + Math.exp(0.2)))));
      float[] dLogits = Tensors.floats(res.get(0));
      // Masked tokens get no gradient: slot 1 token 1 and all of slot 2.
      for (int i = 9; i < 18; i++) {
        assertThat(dLogits[i]).isEqualTo(0f);
      }
      // Slot 0 token 0: d/dx_c of -log(s_label / sum s) / 2 with s = [2, 0.5, 1], s' = [1, 0.25, 1].
      assertThat(dLogits[0]).isWithin(1e-6f).of((float) ((-1 / 2.0 + 1 / 3.5) / 2));
      assertThat(dLogits[1]).isWithin(1e-6f).of((float) (0.25 / 3.5 / 2));
    }
  }
}
