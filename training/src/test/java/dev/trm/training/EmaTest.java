package dev.trm.training;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The shadows start at the parameters' initial values and, with the parameter held at w after a change, follow the
 * closed form {@code s_k = w + (s_0 - w)·Π d_t}.
 */
class EmaTest {
  private static final float RATE = 0.9f;
  private static final float[] INIT = {1f, -2f, 0.5f};
  private static final float[] TARGET = {3f, 0f, -1f};
  private static final int STEPS = 7;

  private static Graph graph;
  private static Session session;
  private static Variable<TFloat32> constantRateShadow;
  private static Variable<TFloat32> warmupShadow;
  private static float[] shadowAtStart;

  @BeforeAll
  static void build() {
    graph = new Graph();
    Ops tf = Ops.create(graph);
    // An unseeded random initial value: the shadow must copy the same draw, not make its own.
    Variable<TFloat32> random = tf.withName("random").variable(
        tf.random.randomStandardNormal(tf.constant(new long[] {4}), TFloat32.class));
    Variable<TFloat32> a = tf.withName("a").variable(tf.constant(INIT));
    Variable<TFloat32> b = tf.withName("b").variable(tf.constant(INIT));
    // Each "optimizer step" sets the parameter to TARGET; the EMA reads the assign's output, as in training.
    Operand<TFloat32> newA = tf.assign(a, tf.constant(TARGET));
    Operand<TFloat32> newB = tf.assign(b, tf.constant(TARGET));
    Ema plain = new Ema(tf.withSubScope("plain"), List.of(a, random), RATE, false);
    Ema warm = new Ema(tf.withSubScope("warm"), List.of(b), RATE, true);
    List<Op> updates = new java.util.ArrayList<>(plain.update(List.of(newA, tf.identity(random))));
    updates.addAll(warm.update(List.of(newB)));
    constantRateShadow = plain.shadows().get(0);
    warmupShadow = warm.shadows().get(0);
    session = new Session(graph);
    session.initialize();
    assertThat(read(plain.shadows().get(1))).isEqualTo(read(random));
    shadowAtStart = read(constantRateShadow);
    for (int k = 0; k < STEPS; k++) {
      var runner = session.runner();
      updates.forEach(runner::addTarget);
      runner.run().close();
    }
  }

  @AfterAll
  static void close() {
    session.close();
    graph.close();
  }

  @Test
  void shadowStartsAtTheInitialValue() {
    assertThat(shadowAtStart).isEqualTo(INIT);
  }

  @Test
  void constantRateFollowsClosedForm() {
    double product = Math.pow(RATE, STEPS);
    assertMatches(read(constantRateShadow), product);
  }

  @Test
  void warmupRateFollowsClosedForm() {
    double product = 1;
    for (int t = 1; t <= STEPS; t++) {
      product *= Math.min(RATE, (1.0 + t) / (10.0 + t));
    }
    assertMatches(read(warmupShadow), product);
  }

  private static void assertMatches(float[] shadow, double product) {
    for (int i = 0; i < INIT.length; i++) {
      double expected = TARGET[i] + (INIT[i] - TARGET[i]) * product;
      assertThat((double) shadow[i]).isWithin(1e-5).of(expected);
    }
  }

  private static float[] read(Variable<TFloat32> v) {
    try (var result = session.runner().fetch(v).run()) {
      TFloat32 t = (TFloat32) result.get(0);
      float[] out = new float[(int) t.size()];
      t.asRawTensor().data().asFloats().read(out);
      return out;
    }
  }
}
