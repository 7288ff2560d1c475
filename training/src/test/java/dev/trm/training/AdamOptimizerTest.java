package dev.trm.training;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** One and two steps of AdamW and AdamATan2 against the same update computed in plain Java (double). */
class AdamOptimizerTest {
  private static final float[] INIT = {0.5f, -1.25f, 0f, 2f, -0.01f, 0.3f};
  private static final float[][] GRADS = {
    {0.1f, -0.2f, 0f, 3f, -1e-4f, 0.05f},
    {-0.3f, 0.25f, 0.7f, 2f, 1e-4f, 0f},
  };
  private static final float[] LRS = {1e-3f, 2e-2f};
  private static final float B1 = 0.9f;
  private static final float B2 = 0.95f;
  private static final float EPS = 1e-8f;
  private static final float WD = 0.1f;

  private static Graph graph;
  private static Session session;
  private static Placeholder<TFloat32> grad;
  private static Placeholder<TFloat32> lr;
  private static Variable<TFloat32> wAdamW;
  private static Variable<TFloat32> wAtan2;
  private static List<Op> updates;

  @BeforeAll
  static void build() {
    graph = new Graph();
    Ops tf = Ops.create(graph);
    grad = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(INIT.length)));
    lr = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    wAdamW = tf.withName("w_adamw").variable(tf.constant(INIT));
    wAtan2 = tf.withName("w_atan2").variable(tf.constant(INIT));
    List<Operand<TFloat32>> a = new AdamW(tf, B1, B2, EPS, WD).apply(List.of(wAdamW), List.of(grad), lr);
    List<Operand<TFloat32>> b = new AdamAtan2(tf, B1, B2, WD).apply(List.of(wAtan2), List.of(grad), lr);
    updates = List.of(a.get(0), b.get(0));
    session = new Session(graph);
    session.initialize();
    for (int step = 0; step < GRADS.length; step++) {
      try (TFloat32 g = TFloat32.vectorOf(GRADS[step]); TFloat32 l = TFloat32.scalarOf(LRS[step])) {
        var runner = session.runner().feed(grad, g).feed(lr, l);
        updates.forEach(runner::addTarget);
        runner.run().close();
      }
    }
  }

  @AfterAll
  static void close() {
    session.close();
    graph.close();
  }

  @Test
  void adamWMatchesPlainJava() {
    assertClose(read(wAdamW), expected(false));
  }

  @Test
  void adamAtan2MatchesPlainJava() {
    assertClose(read(wAtan2), expected(true));
  }

  /** The official update, element by element, in double. */
  private static double[] expected(boolean atan2) {
    double[] p = new double[INIT.length];
    double[] m = new double[INIT.length];
    double[] v = new double[INIT.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = INIT[i];
    }
    for (int t = 1; t <= GRADS.length; t++) {
      double rate = LRS[t - 1];
      double bc1 = 1 - Math.pow(B1, t);
      double bc2 = 1 - Math.pow(B2, t);
      for (int i = 0; i < p.length; i++) {
        double g = GRADS[t - 1][i];
        p[i] *= 1 - rate * WD;
        m[i] = B1 * m[i] + (1 - B1) * g;
        v[i] = B2 * v[i] + (1 - B2) * g * g;
        double rootV = Math.sqrt(v[i]) / Math.sqrt(bc2);
        double dir = atan2 ? Math.atan2(m[i], rootV) : m[i] / (rootV + EPS);
        p[i] -= rate / bc1 * dir;
      }
    }
    return p;
  }

  private static float[] read(Variable<TFloat32> w) {
    try (var result = session.runner().fetch(w).run()) {
      TFloat32 t = (TFloat32) result.get(0);
      float[] out = new float[INIT.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = t.getFloat(i);
      }
      return out;
    }
  }

  private static void assertClose(float[] actual, double[] expected) {
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) actual[i]).isWithin(1e-6).of(expected[i]);
    }
    // Guard against a vacuous pass: the weights did move.
    assertThat(actual[3]).isNotEqualTo(INIT[3]);
  }
}
