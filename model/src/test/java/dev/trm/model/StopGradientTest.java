package dev.trm.model;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.model.config.ArchConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Gradient only through the last H-cycle: the full graph's gradients equal those of a graph
 * that computes the T-1 no-grad cycles first and feeds their outputs in as constants; nothing reaches H_init,
 * L_init or the carry, and the new carry is detached.
 */
class StopGradientTest extends SharedGraphTest {
  private static final int B = 2;
  private static final ModelDims DIMS = TinyConfigs.TINY_DIMS;

  @Test
  void attention() {
    check(TinyConfigs.tiny(false).setHCycles(3).build(), 11);
  }

  @Test
  void mlpMixer() {
    check(TinyConfigs.tiny(true).setHCycles(3).build(), 12);
  }

  private static void check(ArchConfig arch, long seed) {
    TrmModel model = new TrmModel(tf, arch, DIMS);
    TrmShape shape = model.shape();
    TrmParams p = TrmParams.createVariables(tf.withSubScope("v" + seed), arch, DIMS, seed);
    int l = shape.totalLen(), d = shape.hidden(), s = shape.seqLen();
    Placeholder<TFloat32> zH = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(B, l, d)));
    Placeholder<TFloat32> zL = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(B, l, d)));
    // Slot 0 is reset (starts from H_init/L_init), slot 1 continues from the carry.
    ActStep.Carry carry = new ActStep.Carry(zH, zL, tf.constant(new int[] {0, 2}), tf.constant(new boolean[] {true,
        false}), tf.constant(new int[][] {{1, 2, 3, 4, 1, 2}, {2, 3, 4, 1, 2, 3}}),
        tf.constant(new int[][] {{1, 2, 3, 4, 1, 2}, {2, 3, 4, 1, 2, -100}}), tf.constant(new int[] {1, 2}));
    ActStep.NewExamples batch = new ActStep.NewExamples(tf.constant(new int[][] {{4, 4, 3, 3, 2, 2}, {1, 1, 1, 1, 1, 1}}),
        tf.constant(new int[][] {{4, 4, 3, 3, 2, 2}, {1, 1, 1, 1, 1, 1}}), tf.constant(new int[] {0, 0}));
    ActStep.Step full = new ActStep(model).eval(p, carry, batch);
    Operand<TFloat32> fullLoss = Losses.act(tf, arch, full).total();

    // The same step split in two: the T-1 cycles forward only, then the last cycle from fed constants.
    ActStep.Carry cur = full.current();
    Operand<TFloat32> x = model.rows(model.inputEmbeddings(p, cur.inputs(), full.puzzleRows()));
    RecursiveReasoner.State before = new RecursiveReasoner(tf, model.net(), shape.hCycles() - 1, shape.lCycles())
        .run(p, new RecursiveReasoner.State(model.rows(cur.y()), model.rows(cur.z())), x);
    Placeholder<TFloat32> yFed = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(B * l, d)));
    Placeholder<TFloat32> zFed = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(B * l, d)));
    RecursiveReasoner.State last = new RecursiveReasoner(tf, model.net(), 1, shape.lCycles())
        .run(p, new RecursiveReasoner.State(yFed, zFed), x);
    Operand<TFloat32> y = model.sequences(last.y());
    Operand<TFloat32> qHalt = model.haltingLogits(p, y).qHalt();
    Operand<TFloat32> splitLoss = Losses.act(tf, arch.getLossType(), model.lmLogits(p, y), cur.labels(), qHalt,
        full.next().halted(), full.next().steps()).total();

    List<Operand<?>> wrt = new ArrayList<>(p.trainable().values());
    wrt.add(full.puzzleRows());
    List<Operand<?>> fullGrads = toList(tf.gradients(fullLoss, wrt));
    List<Operand<?>> splitGrads = toList(tf.gradients(splitLoss, wrt));
    for (Operand<?> cut : List.of(p.variables().get(ModelTensors.H_INIT), p.variables().get(ModelTensors.L_INIT), zH,
        zL)) {
      assertNoGradient(fullLoss, cut);
    }
    // The new carry is detached: no parameter reaches it through the gradient.
    for (Operand<?> v : wrt) {
      assertNoGradient(full.next().y(), v);
      assertNoGradient(full.next().z(), v);
    }

    Random rnd = new Random(seed);
    try (Tensor zHv = Tensors.of(gaussian(rnd, B * l * d), B, l, d);
        Tensor zLv = Tensors.of(gaussian(rnd, B * l * d), B, l, d)) {
      float[] y1;
      float[] z1;
      try (Result r = session.runner().feed(zH, zHv).feed(zL, zLv).fetch(before.y()).fetch(before.z()).run()) {
        y1 = Tensors.floats(r.get(0));
        z1 = Tensors.floats(r.get(1));
      }
      Session.Runner runner = session.runner().feed(zH, zHv).feed(zL, zLv);
      try (Tensor yT = Tensors.of(y1, B * l, d); Tensor zT = Tensors.of(z1, B * l, d)) {
        runner.feed(yFed, yT).feed(zFed, zT);
        fullGrads.forEach(runner::fetch);
        splitGrads.forEach(runner::fetch);
        try (Result r = runner.run()) {
          int n = wrt.size();
          for (int i = 0; i < n; i++) {
            float[] a = Tensors.floats(r.get(i));
            float[] b = Tensors.floats(r.get(n + i));
            assertThat(maxAbs(a)).isGreaterThan(0f);
            assertThat(a).usingTolerance(1e-5 * maxAbs(b)).containsExactly(b).inOrder();
          }
        }
      }
    }
  }

  /**
   * No gradient from y to x: TF either refuses (x does not reach y at all) or returns an output without an
   * operation (every path is cut by a stopGradient).
   */
  private static void assertNoGradient(Operand<?> y, Operand<?> x) {
    Operand<?> g;
    try {
      g = tf.gradients(y, List.of(x)).iterator().next();
    } catch (TFInvalidArgumentException e) {
      assertThat(e).hasMessageThat().contains("unreachable");
      return;
    }
    assertThrows(IllegalStateException.class, () -> g.asOutput().op().type());
  }

  private static List<Operand<?>> toList(Iterable<Operand<?>> it) {
    List<Operand<?>> out = new ArrayList<>();
    it.forEach(out::add);
    return out;
  }

  private static float maxAbs(float[] a) {
    float m = 0;
    for (float v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  private static float[] gaussian(Random rnd, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) rnd.nextGaussian();
    }
    return out;
  }
}
