package dev.trm.training;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Global norm over all gradients; clipping off passes gradients through unchanged; clipping on rescales all. */
class GradientClippingTest {
  private static final float[] G1 = {3f, 0f};
  private static final float[][] G2 = {{0f, 4f}, {0f, 0f}};  // global norm 5

  private static Graph graph;
  private static Session session;
  private static GradientClipping off;
  private static GradientClipping on;

  @BeforeAll
  static void build() {
    graph = new Graph();
    Ops tf = Ops.create(graph);
    List<Operand<TFloat32>> grads = List.of(tf.constant(G1), tf.constant(G2));
    off = GradientClipping.of(tf, grads, 0f);
    on = GradientClipping.of(tf, grads, 2.5f);
    session = new Session(graph);
  }

  @AfterAll
  static void close() {
    session.close();
    graph.close();
  }

  @Test
  void normCoversAllGradients() {
    assertThat(fetch(off.norm())[0]).isWithin(1e-6f).of(5f);
  }

  @Test
  void offIsExactPassThrough() {
    assertThat(fetch(off.gradients().get(0))).isEqualTo(G1);
    assertThat(fetch(off.gradients().get(1))).isEqualTo(new float[] {0f, 4f, 0f, 0f});
  }

  @Test
  void onScalesEveryGradientToTheThreshold() {
    assertThat(fetch(on.gradients().get(0))).usingTolerance(1e-6).containsExactly(new float[] {1.5f, 0f}).inOrder();
    assertThat(fetch(on.gradients().get(1))).usingTolerance(1e-6)
        .containsExactly(new float[] {0f, 2f, 0f, 0f}).inOrder();
  }

  private static float[] fetch(Operand<TFloat32> x) {
    try (var result = session.runner().fetch(x).run()) {
      TFloat32 t = (TFloat32) result.get(0);
      float[] out = new float[(int) t.size()];
      t.asRawTensor().data().asFloats().read(out);
      return out;
    }
  }
}
