package dev.trm.training;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Only the batch's rows move, duplicates are summed before the sign, and the update is row(1-lr·wd) - lr·sign(g). */
class SignSgdTest {
  private static final int ROWS = 6;
  private static final int DIM = 3;
  private static final float LR = 0.01f;
  private static final float WD = 0.5f;
  private static final int[] IDS = {4, 1, 4};
  // Row 4 appears twice: +0.3 and -0.5 sum to -0.2 in column 0, whose sign is negative although the first is not.
  private static final float[][] GRADS = {{0.3f, 0f, 2f}, {-1f, 1f, 0f}, {-0.5f, 0f, 1f}};

  private static Graph graph;
  private static Session session;
  private static float[][] before;
  private static float[][] after;

  @BeforeAll
  static void run() {
    graph = new Graph();
    Ops tf = Ops.create(graph);
    float[][] init = new float[ROWS][DIM];
    for (int r = 0; r < ROWS; r++) {
      for (int c = 0; c < DIM; c++) {
        init[r][c] = r + 0.1f * c + 0.5f;
      }
    }
    Variable<TFloat32> table = tf.withName("table").variable(tf.constant(init));
    Placeholder<TInt32> ids = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    Placeholder<TFloat32> grads = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, DIM)));
    Operand<TFloat32> update = SignSgd.update(tf, table, ids, grads, tf.constant(LR), WD);
    session = new Session(graph);
    session.initialize();
    before = read(table);
    try (TInt32 i = TInt32.vectorOf(IDS); TFloat32 g = TFloat32.tensorOf(org.tensorflow.ndarray.StdArrays.ndCopyOf(GRADS))) {
      session.runner().feed(ids, i).feed(grads, g).addTarget(update).run().close();
    }
    after = read(table);
  }

  @AfterAll
  static void close() {
    session.close();
    graph.close();
  }

  @Test
  void untouchedRowsStayExactly() {
    for (int r : new int[] {0, 2, 3, 5}) {
      assertThat(after[r]).isEqualTo(before[r]);
    }
  }

  @Test
  void touchedRowsDecayAndStepAgainstTheSummedSign() {
    float[] sum4 = {0.3f - 0.5f, 0f, 3f};
    float[] sum1 = GRADS[1];
    assertRow(4, sum4);
    assertRow(1, sum1);
  }

  private static void assertRow(int r, float[] summedGrad) {
    for (int c = 0; c < DIM; c++) {
      double expected = before[r][c] * (1 - LR * WD) - LR * Math.signum(summedGrad[c]);
      assertThat((double) after[r][c]).isWithin(1e-6).of(expected);
    }
  }

  private static float[][] read(Variable<TFloat32> v) {
    try (var result = session.runner().fetch(v).run()) {
      TFloat32 t = (TFloat32) result.get(0);
      float[][] out = new float[ROWS][DIM];
      for (int r = 0; r < ROWS; r++) {
        for (int c = 0; c < DIM; c++) {
          out[r][c] = t.getFloat(r, c);
        }
      }
      return out;
    }
  }
}
