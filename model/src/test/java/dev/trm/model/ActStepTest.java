package dev.trm.model;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.model.config.ArchConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Slot reset, step counting and the halting rules of one ACT step. */
class ActStepTest {
  private static final int B = 3;
  private static final ModelDims DIMS = TinyConfigs.TINY_DIMS;
  private static final ArchConfig ARCH = TinyConfigs.tiny(false).build(); // halt_max_steps 4, p = 0.1
  private static TrmShape shape;
  private static Graph graph;
  private static Session session;
  private static FedParams fed;
  private static Map<String, WeightTensor> weights;
  private static ActStep.Carry carry;
  private static ActStep.NewExamples batch;
  private static Placeholder<TFloat32> uniform;
  private static Placeholder<TInt32> minHalt;
  private static ActStep.Step train;
  private static ActStep.Step eval;
  private static ActStep.Step trainContinueRule;

  @BeforeAll
  static void build() {
    graph = new Graph();
    session = new Session(graph);
    Ops tf = Ops.create(graph);
    TrmModel model = new TrmModel(tf, ARCH, DIMS);
    shape = model.shape();
    fed = new FedParams(tf, ModelTensors.specs(shape));
    weights = FedParams.random(fed.specs, 1);
    int l = shape.totalLen(), d = shape.hidden(), s = shape.seqLen();
    carry = new ActStep.Carry(floats(tf, B, l, d), floats(tf, B, l, d), ints(tf, B), bools(tf), ints(tf, B, s),
        ints(tf, B, s), ints(tf, B));
    batch = new ActStep.NewExamples(ints(tf, B, s), ints(tf, B, s), ints(tf, B));
    uniform = floats(tf, B);
    minHalt = ints(tf, B);
    train = new ActStep(model).train(fed.params, carry, batch, new ActStep.Exploration(uniform, minHalt));
    eval = new ActStep(model).eval(fed.params, carry, batch);
    ArchConfig continueRule = ARCH.toBuilder().setNoActContinue(false).build();
    trainContinueRule = new ActStep(new TrmModel(tf, continueRule, DIMS))
        .train(fed.params, carry, batch, new ActStep.Exploration(uniform, minHalt));
  }

  @AfterAll
  static void close() {
    session.close();
    graph.close();
  }

  /** Carry/batch contents for one run. */
  private record Case(boolean[] halted, int[] steps, float[] qHead, float[] uniform, int[] minHalt) {}

  private static Result run(Case c, List<Operand<?>> fetches) {
    Map<String, WeightTensor> w = new java.util.LinkedHashMap<>(weights);
    w.put(ModelTensors.Q_HEAD_WEIGHT, new WeightTensor(new long[] {2, shape.hidden()}, new float[2 * shape.hidden()]));
    w.put(ModelTensors.Q_HEAD_BIAS, new WeightTensor(new long[] {2}, c.qHead()));
    int l = shape.totalLen(), d = shape.hidden(), s = shape.seqLen();
    try (FedParams.Feeds feeds = fed.feed(session, w)) {
      feeds.feed(carry.y(), Tensors.of(carriedState(5), B, l, d))
          .feed(carry.z(), Tensors.of(carriedState(6), B, l, d))
          .feed(carry.steps(), Tensors.of(c.steps(), B))
          .feed(carry.halted(), Tensors.of(c.halted(), B))
          .feed(carry.inputs(), Tensors.of(fill(B * s, 1), B, s))
          .feed(carry.labels(), Tensors.of(fill(B * s, 2), B, s))
          .feed(carry.puzzleIds(), Tensors.of(new int[] {0, 0, 0}, B))
          .feed(batch.inputs(), Tensors.of(fill(B * s, 3), B, s))
          .feed(batch.labels(), Tensors.of(fill(B * s, 4), B, s))
          .feed(batch.puzzleIds(), Tensors.of(new int[] {1, 2, 1}, B))
          .feed(uniform, Tensors.of(c.uniform(), B))
          .feed(minHalt, Tensors.of(c.minHalt(), B));
      fetches.forEach(feeds.runner::fetch);
      return feeds.runner.run();
    }
  }

  private static boolean[] halted(ActStep.Step out, Case c) {
    try (Result r = run(c, List.of(out.next().halted()))) {
      return Tensors.bools(r.get(0));
    }
  }

  @Test
  void haltedSlotsRestartFromTheInitStatesWithTheNewExample() {
    Case c = new Case(new boolean[] {true, false, true}, new int[] {3, 2, 1}, new float[] {-5, -5},
        new float[] {0.5f, 0.5f, 0.5f}, new int[] {2, 2, 2});
    ActStep.Carry cur = train.current();
    try (Result r = run(c, List.of(cur.y(), cur.z(), cur.steps(), cur.inputs(), cur.labels(), cur.puzzleIds(),
        train.next().steps()))) {
      int l = shape.totalLen(), d = shape.hidden();
      float[] zH = Tensors.floats(r.get(0));
      float[] zL = Tensors.floats(r.get(1));
      float[] carriedH = carriedState(5);
      float[] carriedL = carriedState(6);
      float[] hInit = weights.get(ModelTensors.H_INIT).data();
      float[] lInit = weights.get(ModelTensors.L_INIT).data();
      for (int b = 0; b < B; b++) {
        for (int pos = 0; pos < l; pos++) {
          int at = (b * l + pos) * d;
          float[] h = Arrays.copyOfRange(zH, at, at + d);
          float[] z = Arrays.copyOfRange(zL, at, at + d);
          assertThat(h).isEqualTo(b == 1 ? Arrays.copyOfRange(carriedH, at, at + d) : hInit);
          assertThat(z).isEqualTo(b == 1 ? Arrays.copyOfRange(carriedL, at, at + d) : lInit);
        }
      }
      assertThat(Tensors.ints(r.get(2))).asList().containsExactly(0, 2, 0).inOrder();
      int s = shape.seqLen();
      assertThat(rowValues(Tensors.ints(r.get(3)), s)).asList().containsExactly(3, 1, 3).inOrder();
      assertThat(rowValues(Tensors.ints(r.get(4)), s)).asList().containsExactly(4, 2, 4).inOrder();
      assertThat(Tensors.ints(r.get(5))).asList().containsExactly(1, 0, 1).inOrder();
      assertThat(Tensors.ints(r.get(6))).asList().containsExactly(1, 3, 1).inOrder();
      assertThat(train.next().inputs()).isSameInstanceAs(cur.inputs());
      assertThat(train.next().labels()).isSameInstanceAs(cur.labels());
    }
  }

  @Test
  void trainHaltsOnPositiveQHaltUnlessExplorationDelaysIt() {
    boolean[] none = new boolean[B];
    // q_halt = +1 everywhere; no slot explores (u >= 0.1): all halt.
    assertThat(halted(train, new Case(none, new int[] {0, 1, 0}, new float[] {1, 0},
        new float[] {0.5f, 0.1f, 0.9f}, new int[] {4, 4, 4}))).isEqualTo(new boolean[] {true, true, true});
    // Exploring slots (u < 0.1) halt only once steps >= their min_halt: steps after this step are 1, 2, 1.
    assertThat(halted(train, new Case(none, new int[] {0, 1, 0}, new float[] {1, 0},
        new float[] {0.05f, 0.05f, 0.5f}, new int[] {4, 2, 4}))).isEqualTo(new boolean[] {false, true, true});
    // q_halt = -5: only the cap halts (steps after this step 4, 1, 2), exploration or not.
    assertThat(halted(train, new Case(none, new int[] {3, 0, 1}, new float[] {-5, 0},
        new float[] {0.05f, 0.5f, 0.5f}, new int[] {4, 2, 2}))).isEqualTo(new boolean[] {true, false, false});
    // q_halt exactly 0 does not halt (strictly greater).
    assertThat(halted(train, new Case(none, new int[] {0, 0, 0}, new float[] {0, 0},
        new float[] {0.5f, 0.5f, 0.5f}, new int[] {2, 2, 2}))).isEqualTo(new boolean[] {false, false, false});
  }

  @Test
  void continueRuleComparesTheTwoLogits() {
    boolean[] none = new boolean[B];
    float[] noExplore = {0.5f, 0.5f, 0.5f};
    int[] two = {2, 2, 2};
    assertThat(halted(trainContinueRule, new Case(none, new int[] {0, 0, 0}, new float[] {1, 2}, noExplore, two)))
        .isEqualTo(new boolean[] {false, false, false});
    assertThat(halted(trainContinueRule, new Case(none, new int[] {0, 0, 0}, new float[] {-2, -3}, noExplore, two)))
        .isEqualTo(new boolean[] {true, true, true});
  }

  @Test
  void evalRunsExactlyHaltMaxSteps() {
    boolean[] none = new boolean[B];
    // Even a confident q_halt does not stop evaluation early; steps after this step are 4, 1, 3.
    assertThat(halted(eval, new Case(none, new int[] {3, 0, 2}, new float[] {10, 0},
        new float[] {0.5f, 0.5f, 0.5f}, new int[] {2, 2, 2}))).isEqualTo(new boolean[] {true, false, false});
  }

  @Test
  void qLogitsComeFromSlotZeroWithTheBias() {
    Case c = new Case(new boolean[B], new int[] {0, 0, 0}, new float[] {-5, 3}, new float[] {0.5f, 0.5f, 0.5f},
        new int[] {2, 2, 2});
    try (Result r = run(c, List.of(train.qHalt(), train.qContinue(), train.logits()))) {
      assertThat(Tensors.floats(r.get(0))).usingExactEquality().containsExactly(-5f, -5f, -5f);
      assertThat(Tensors.floats(r.get(1))).usingExactEquality().containsExactly(3f, 3f, 3f);
      assertThat(r.get(2).shape()).isEqualTo(Shape.of(B, shape.seqLen(), shape.vocab()));
    }
  }

  /** The value of each row if the row is constant ([B, S] flattened). */
  private static int[] rowValues(int[] grid, int s) {
    int[] out = new int[grid.length / s];
    for (int b = 0; b < out.length; b++) {
      for (int i = 0; i < s; i++) {
        assertThat(grid[b * s + i]).isEqualTo(grid[b * s]);
      }
      out[b] = grid[b * s];
    }
    return out;
  }

  /** The fed carry state [B, L, D] drawn from {@code seed}. */
  private static float[] carriedState(long seed) {
    Random rnd = new Random(seed);
    float[] out = new float[B * shape.totalLen() * shape.hidden()];
    int n = out.length;
    for (int i = 0; i < n; i++) {
      out[i] = (float) rnd.nextGaussian();
    }
    return out;
  }

  private static int[] fill(int n, int value) {
    int[] out = new int[n];
    Arrays.fill(out, value);
    return out;
  }

  private static Placeholder<TFloat32> floats(Ops tf, long... dims) {
    return tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(dims)));
  }

  private static Placeholder<TInt32> ints(Ops tf, long... dims) {
    return tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(dims)));
  }

  private static Placeholder<TBool> bools(Ops tf) {
    return tf.placeholder(TBool.class, Placeholder.shape(Shape.of(B)));
  }
}
