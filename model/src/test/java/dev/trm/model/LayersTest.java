package dev.trm.model;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.model.config.DType;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The building blocks against small hand computations. */
class LayersTest {
  private static Graph graph;
  private static Session session;
  private static Ops tf;
  private static Precision fp32;

  @BeforeAll
  static void open() {
    graph = new Graph();
    session = new Session(graph);
    tf = Ops.create(graph);
    fp32 = new Precision(tf, DType.FLOAT32);
  }

  @AfterAll
  static void close() {
    session.close();
    graph.close();
  }

  private static float[] run(Operand<TFloat32> op) {
    try (Tensor t = session.runner().fetch(op).run().get(0)) {
      return Tensors.floats(t);
    }
  }

  @Test
  void rmsNormHasNoGainAndUsesEps() {
    float[] out = run(RmsNorm.apply(tf, tf.constant(new float[][] {{3, 4}, {0, 0}}), -1, 1e-5f));
    double scale = 1 / Math.sqrt(12.5 + 1e-5);
    assertThat(out).usingTolerance(1e-6).containsExactly(3 * scale, 4 * scale, 0, 0).inOrder();
  }

  @Test
  void rmsNormOverTheSequenceAxis() {
    // [B=1, L=2, D=2]: normalise each channel over the two positions.
    float[] out = run(RmsNorm.apply(tf, tf.constant(new float[][][] {{{3, 1}, {4, 1}}}), 1, 1e-5f));
    double s0 = 1 / Math.sqrt(12.5 + 1e-5);
    double s1 = 1 / Math.sqrt(1 + 1e-5);
    assertThat(out).usingTolerance(1e-6).containsExactly(3 * s0, s1, 4 * s0, s1).inOrder();
  }

  @Test
  void swigluGatesTheFirstHalfAndProjectsDown() {
    // x = [1, 2]; gate_up rows: gate = x0 = 1, up = x1 = 2; down [2, 1] = [[1], [2]].
    Operand<TFloat32> out = SwiGlu.apply(tf, fp32, tf.constant(new float[][] {{1, 2}}),
        tf.constant(new float[][] {{1, 0}, {0, 1}}), tf.constant(new float[][] {{1}, {2}}), 1);
    double silu1 = 1 / (1 + Math.exp(-1));
    assertThat(run(out)).usingTolerance(1e-6).containsExactly(2 * silu1, 4 * silu1).inOrder();
  }

  @Test
  void tokenMixerEqualsTheTransposedOfficialForm() {
    // Official: t = h^T [B, D, L]; t = RMSNorm_last(t + down(silu(gate) * up)) with gate_up on L; h = t^T.
    int l = 3, d = 2, inter = 2;
    Random rnd = new Random(1);
    float[][][] h = new float[1][l][d];
    float[][] gateUp = new float[2 * inter][l];
    float[][] down = new float[l][inter];
    fill(rnd, h[0]);
    fill(rnd, gateUp);
    fill(rnd, down);
    double[] expected = new double[l * d];
    for (int c = 0; c < d; c++) {
      double[] t = new double[l];
      for (int i = 0; i < l; i++) {
        t[i] = h[0][i][c];
      }
      double[] out = new double[l];
      for (int j = 0; j < inter; j++) {
        double g = dot(gateUp[j], t);
        double u = dot(gateUp[inter + j], t);
        double m = g / (1 + Math.exp(-g)) * u;
        for (int i = 0; i < l; i++) {
          out[i] += down[i][j] * m;
        }
      }
      double ms = 0;
      for (int i = 0; i < l; i++) {
        out[i] += t[i];
        ms += out[i] * out[i] / l;
      }
      for (int i = 0; i < l; i++) {
        expected[i * d + c] = out[i] / Math.sqrt(ms + 1e-5);
      }
    }
    Operand<TFloat32> out = TokenMixer.apply(tf, fp32, tf.constant(h), tf.constant(gateUp), tf.constant(down), inter,
        1e-5f);
    assertThat(run(out)).usingTolerance(1e-5).containsExactly(Tensors.toFloats(expected)).inOrder();
  }

  @Test
  void ropeRotatesHalvesByPositionAngles() {
    // head_dim 4, theta 10000: inv_freq = [1, 0.01]; position 1 rotates (x0, x2) by 1 rad and (x1, x3) by 0.01.
    Rope rope = new Rope(tf, 2, 4, 10000);
    float[] out = run(rope.apply(tf.constant(new float[][] {{1, 2, 3, 4}, {1, 2, 3, 4}})));
    double c1 = Math.cos(1), s1 = Math.sin(1), c2 = Math.cos(0.01), s2 = Math.sin(0.01);
    assertThat(out).usingTolerance(1e-6).containsExactly(
        1, 2, 3, 4, // position 0: identity
        1 * c1 - 3 * s1, 2 * c2 - 4 * s2, 3 * c1 + 1 * s1, 4 * c2 + 2 * s2).inOrder();
  }

  @Test
  void ropeFoldsItsScaleIntoTheTables() {
    Operand<TFloat32> x = tf.constant(new float[][] {{1, -2, 3, 5}, {7, 2, -3, 4}, {0.5f, 1, 2, -1}});
    float[] plain = run(new Rope(tf, 3, 4, 100).apply(x));
    float[] scaled = run(new Rope(tf, 3, 4, 100, 0.25f).apply(x));
    for (int i = 0; i < plain.length; i++) {
      plain[i] *= 0.25f;
    }
    assertThat(scaled).usingTolerance(1e-6).containsExactly(plain).inOrder();
  }

  @Test
  void attentionMatchesAHandComputation() {
    // D = 4, 2 heads of 2, L = 3, one sequence, no RoPE; random weights.
    int l = 3, d = 4, heads = 2, hd = 2;
    TrmShape shape = new TrmShape(d, heads, hd, 0, 0, l, l, 2, 1, 256, 0, 1, 1, 1, false,
        dev.trm.model.config.PosEncoding.NONE, 10000, 1e-5f, 1);
    Random rnd = new Random(2);
    float[][] h = new float[l][d];
    float[][] wqkv = new float[3 * d][d];
    float[][] wo = new float[d][d];
    fill(rnd, h);
    fill(rnd, wqkv);
    fill(rnd, wo);
    double[][] qkv = new double[l][3 * d];
    for (int i = 0; i < l; i++) {
      for (int o = 0; o < 3 * d; o++) {
        qkv[i][o] = dot(wqkv[o], h[i]);
      }
    }
    double[][] concat = new double[l][d];
    for (int head = 0; head < heads; head++) {
      for (int i = 0; i < l; i++) {
        double[] scores = new double[l];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < l; j++) {
          for (int k = 0; k < hd; k++) {
            scores[j] += qkv[i][head * hd + k] * qkv[j][d + head * hd + k] / Math.sqrt(hd);
          }
          max = Math.max(max, scores[j]);
        }
        double z = 0;
        for (int j = 0; j < l; j++) {
          scores[j] = Math.exp(scores[j] - max);
          z += scores[j];
        }
        for (int j = 0; j < l; j++) {
          for (int k = 0; k < hd; k++) {
            concat[i][head * hd + k] += scores[j] / z * qkv[j][2 * d + head * hd + k];
          }
        }
      }
    }
    double[] expected = new double[l * d];
    for (int i = 0; i < l; i++) {
      for (int o = 0; o < d; o++) {
        for (int k = 0; k < d; k++) {
          expected[i * d + o] += wo[o][k] * concat[i][k];
        }
      }
    }
    Operand<TFloat32> out = new Attention(tf, fp32, shape).apply(tf.constant(h), tf.constant(wqkv),
        tf.constant(wo));
    assertThat(run(out)).usingTolerance(1e-5).containsExactly(Tensors.toFloats(expected)).inOrder();
  }

  @Test
  void bf16LinearStaysCloseToFp32() {
    Random rnd = new Random(3);
    float[][] x = new float[4][64];
    float[][] w = new float[8][64];
    fill(rnd, x);
    fill(rnd, w);
    float[] exact = run(fp32.linear(tf.constant(x), tf.constant(w)));
    float[] bf16 = run(new Precision(tf, DType.BFLOAT16).linear(tf.constant(x), tf.constant(w)));
    // bf16 keeps 8 bits of mantissa: |error| ~ sqrt(64) * 2^-8 for unit-size terms.
    assertThat(bf16).usingTolerance(0.1).containsExactly(exact).inOrder();
    assertThat(bf16).isNotEqualTo(exact);
  }

  private static void fill(Random rnd, float[][] a) {
    for (float[] row : a) {
      for (int i = 0; i < row.length; i++) {
        row[i] = (float) rnd.nextGaussian();
      }
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  private static double dot(float[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
