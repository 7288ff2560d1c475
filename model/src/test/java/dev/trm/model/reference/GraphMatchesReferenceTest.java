package dev.trm.model.reference;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.trm.model.ModelDims;
import dev.trm.model.ParamSpec;
import dev.trm.model.ModelTensors;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.ArchConfig;
import dev.trm.model.config.DType;
import dev.trm.model.config.LossType;
import dev.trm.model.config.PosEncoding;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TF graph of {@code dev.trm.model} against the independent double-precision {@link ReferenceTrm}: same weights
 * (read out of the session), same carry fed into both, one ACT step at a time, for every variant (attention + RoPE,
 * MLP-mixer without positions, attention + learned positions, and no puzzle prefix at all).
 *
 * <p>Each variant runs six steps from an all-halted carry (four TRAIN with per-slot exploration, two EVAL), with
 * halt_max_steps 3, seeded weights assigned into the session (a random q head so that q_halt > 0 happens, a random
 * puzzle table), one slot without any valid label and ignored labels elsewhere: this covers slot reset, halting by
 * q_halt, exploration delays and the step cap. The next step always starts from the reference's carry rounded to
 * float32, so errors do not compound.
 */
class GraphMatchesReferenceTest {
  /** fp32 graph against double reference. */
  private static final double TOLERANCE = 1e-4;
  /**
   * bf16 graph against double reference: bf16 keeps 8 significant bits, and a numpy emulation (bf16 weights, bf16
   * block inputs and outputs, 30 seeds, these sizes and scales) moves the logits by 0.015 typically, 0.03 at most.
   */
  private static final double BF16_TOLERANCE = 0.1;
  /**
   * Halting and argmax decisions closer than this to their threshold could flip between fp32 and double (the
   * differences seen are about 1e-6, see {@link #randomWeights}); the scenario must not contain any.
   */
  private static final double DECISION_MARGIN = 1e-5;
  private static final int BATCH = 4;
  private static final int STEPS = 6;
  private static final ModelDims DIMS = new ModelDims(5, 6, 3);

  private static final Map<String, ArchConfig> VARIANTS = Map.of(
      "attention_rope", tiny().build(),
      "mlp_mixer_none", tiny().setMlpT(true).setPosEncodings(PosEncoding.NONE).setPuzzleEmbLen(0).build(),
      "attention_learned", tiny().setNumHeads(1).setPosEncodings(PosEncoding.LEARNED).setPuzzleEmbNdim(12)
          .setPuzzleEmbLen(0).setLossType(LossType.SOFTMAX_CROSS_ENTROPY).build(),
      "attention_no_puzzle", tiny().setPuzzleEmbNdim(0).build(),
      "attention_rope_bf16", tiny().setForwardDtype(DType.BFLOAT16).build(),
      "mlp_mixer_none_bf16", tiny().setMlpT(true).setPosEncodings(PosEncoding.NONE).setPuzzleEmbLen(0)
          .setForwardDtype(DType.BFLOAT16).build());

  private static final Map<String, ActStepGraph> GRAPHS = new LinkedHashMap<>();
  private static final Map<String, Map<String, WeightTensor>> INITIAL = new LinkedHashMap<>();

  /** D = 8, 2 heads, 2 layers, T = n = 2, two prefix slots, at most 3 ACT steps, exploration half the time. */
  private static ArchConfig.Builder tiny() {
    return ArchConfig.newBuilder().setHiddenSize(8).setNumHeads(2).setExpansion(4).setLLayers(2).setHCycles(2)
        .setLCycles(2).setPosEncodings(PosEncoding.ROPE).setRopeTheta(10000).setRmsNormEps(1e-5f)
        .setPuzzleEmbNdim(8).setPuzzleEmbLen(2).setMlpT(false).setForwardDtype(DType.FLOAT32).setHaltMaxSteps(3)
        .setHaltExplorationProb(0.5f).setNoActContinue(true).setLossType(LossType.STABLEMAX_CROSS_ENTROPY);
  }

  @BeforeAll
  static void buildGraphs() {
    for (Map.Entry<String, ArchConfig> v : VARIANTS.entrySet()) {
      ActStepGraph g = new ActStepGraph(v.getValue(), DIMS, 7);
      GRAPHS.put(v.getKey(), g);
      INITIAL.put(v.getKey(), g.weights());
      Random random = new Random(v.getKey().hashCode());
      g.assign(centreQHalt(v.getValue(), randomWeights(INITIAL.get(v.getKey()), random), random));
    }
  }

  /**
   * Seeded weights, so that the scenario (and its halting decisions) depends on this test only, not on how the graph
   * draws its initial values. Unlike the official init, the puzzle table and the q head are random: a zero table and
   * q_halt = -5 would leave the puzzle path and halting on q_halt > 0 untested.
   *
   * <p>Block matrices and embeddings are at half the LeCun scale. At full scale these tiny random nets are chaotic
   * over the 12 blocks of a step: the same maths run in float32 and in float64 (numpy, 30 seeds) differ in the logits
   * by up to 1.7e-4 (attention) and 8e-3 (MLP-mixer), so a 1e-4 tolerance would test luck; at half scale they differ
   * by at most 1e-6.
   */
  private static Map<String, WeightTensor> randomWeights(Map<String, WeightTensor> like, Random random) {
    Map<String, WeightTensor> w = new LinkedHashMap<>();
    for (Map.Entry<String, WeightTensor> e : like.entrySet()) {
      long[] shape = e.getValue().shape();
      double std = switch (e.getKey()) {
        case ModelTensors.H_INIT, ModelTensors.L_INIT -> 1;
        case ModelTensors.Q_HEAD_BIAS -> 0.3;
        case ModelTensors.Q_HEAD_WEIGHT, ModelTensors.PUZZLE_EMB -> 0.5;
        case ModelTensors.LM_HEAD -> 1 / Math.sqrt(shape[1]); // spreads the logits: fewer near-ties in the argmax
        default -> 0.5 / Math.sqrt(shape[shape.length - 1]);
      };
      w.put(e.getKey(), gaussian(shape, std, random));
    }
    return w;
  }

  @AfterAll
  static void closeGraphs() {
    GRAPHS.values().forEach(ActStepGraph::close);
  }

  @ParameterizedTest
  @ValueSource(strings = {"attention_rope", "mlp_mixer_none", "attention_learned", "attention_no_puzzle"})
  void actStepsMatchReference(String variant) {
    ArchConfig arch = VARIANTS.get(variant);
    ActStepGraph graph = GRAPHS.get(variant);
    Map<String, WeightTensor> weights = graph.weights();
    ReferenceTrm trm = new ReferenceTrm(arch, DIMS, weights);
    ReferenceActStep act = new ReferenceActStep(trm);
    Random random = new Random(variant.hashCode());
    ReferenceActStep.Carry carry = ReferenceActStep.initialCarry(trm.dims(), BATCH);
    Diffs diffs = new Diffs();
    int halts = 0;
    int qHalts = 0;
    int delays = 0;
    for (int step = 0; step < STEPS; step++) {
      ReferenceActStep.Mode mode = step < 4 ? ReferenceActStep.Mode.TRAIN : ReferenceActStep.Mode.EVAL;
      ReferenceActStep.NewExamples batch = randomBatch(random, step);
      double[] uniform = new double[BATCH];
      int[] minHalt = new int[BATCH];
      for (int b = 0; b < BATCH; b++) {
        uniform[b] = random.nextFloat(); // float32 values, as the graph sees them
        minHalt[b] = 2 + random.nextInt(arch.getHaltMaxSteps() - 1);
      }
      String where = variant + " step " + step + " (" + mode + ")";
      ReferenceActStep.Step ref = act.step(carry, batch, mode, uniform, minHalt);
      ActStepGraph.Step got = graph.run(mode, carry, batch, uniform, minHalt);
      checkDecisionsAreClear(ref, mode, where);

      diffs.note("logits", MaxAbsDiff.of(got.out().logits(), ref.logits()));
      diffs.note("q_halt", MaxAbsDiff.of(got.out().qHalt(), ref.qHalt()));
      diffs.note("q_continue", MaxAbsDiff.of(got.out().qContinue(), ref.qContinue()));
      diffs.note("carry z_H", MaxAbsDiff.of(got.out().next().y(), ref.next().y()));
      diffs.note("carry z_L", MaxAbsDiff.of(got.out().next().z(), ref.next().z()));
      diffs.note("reset z_H", MaxAbsDiff.of(got.out().current().y(), ref.current().y()));
      diffs.note("reset z_L", MaxAbsDiff.of(got.out().current().z(), ref.current().z()));
      diffs.assertWithin(TOLERANCE, where);
      checkData(got.out().next(), ref.next(), where + " next carry");
      checkData(got.out().current(), ref.current(), where + " reset carry");
      assertWithMessage("%s steps", where).that(got.out().next().steps()).isEqualTo(ref.next().steps());
      assertWithMessage("%s halted", where).that(got.out().next().halted()).isEqualTo(ref.next().halted());
      assertWithMessage("%s steps after reset", where).that(got.out().current().steps())
          .isEqualTo(ref.current().steps());
      if (trm.dims().prefixLen() > 0) {
        // The rows the trainer differentiates for the sparse SignSGD must be the current slots' table rows.
        checkPuzzleRows(got.puzzleRows(), weights, ref.current().puzzleIds(), where);
      }

      ReferenceLosses.Result want = ReferenceLosses.compute(arch.getLossType(), ref.logits(), ref.current().labels(),
          ref.qHalt(), ref.next().halted(), ref.next().steps());
      checkLosses(got.losses(), want, where, diffs);

      for (int b = 0; b < BATCH; b++) {
        boolean early = ref.next().steps()[b] < arch.getHaltMaxSteps();
        boolean train = mode == ReferenceActStep.Mode.TRAIN;
        halts += ref.next().halted()[b] ? 1 : 0;
        qHalts += train && early && ref.next().halted()[b] ? 1 : 0;
        delays += train && early && ref.qHalt()[b] > 0 && !ref.next().halted()[b] ? 1 : 0;
      }
      carry = float32(ref.next());
    }
    // The scenario must really have exercised halting, early (q) halting and resets.
    assertWithMessage("%s halts", variant).that(halts).isAtLeast(BATCH);
    assertWithMessage("%s early halts on q_halt > 0", variant).that(qHalts).isAtLeast(1);
    assertWithMessage("%s halts delayed by exploration", variant).that(delays).isAtLeast(1);
    System.out.printf("GraphMatchesReferenceTest %s: %d halts, %d early on q_halt, %d delayed by exploration; "
        + "max |graph - reference|: %s%n", variant, halts, qHalts, delays, diffs);
  }

  /**
   * forward_dtype BFLOAT16 (bf16 matmuls on fp32 master weights): two EVAL steps from a reset stay within bf16 noise
   * of the reference. A smoke test of the bf16 path: a misplaced cast or a dropped term moves things far more.
   */
  @ParameterizedTest
  @ValueSource(strings = {"attention_rope_bf16", "mlp_mixer_none_bf16"})
  void bfloat16StaysWithinBf16NoiseOfReference(String variant) {
    ActStepGraph graph = GRAPHS.get(variant);
    ReferenceTrm trm = new ReferenceTrm(VARIANTS.get(variant), DIMS, graph.weights());
    ReferenceActStep act = new ReferenceActStep(trm);
    Random random = new Random(variant.hashCode());
    ReferenceActStep.Carry carry = ReferenceActStep.initialCarry(trm.dims(), BATCH);
    Diffs diffs = new Diffs();
    for (int step = 0; step < 2; step++) {
      ReferenceActStep.NewExamples batch = randomBatch(random, step);
      ReferenceActStep.Step ref = act.step(carry, batch, ReferenceActStep.Mode.EVAL, null, null);
      ActStepGraph.Step got = graph.run(ReferenceActStep.Mode.EVAL, carry, batch, new double[BATCH], new int[BATCH]);
      diffs.note("logits", MaxAbsDiff.of(got.out().logits(), ref.logits()));
      diffs.note("q_halt", MaxAbsDiff.of(got.out().qHalt(), ref.qHalt()));
      diffs.note("carry z_H", MaxAbsDiff.of(got.out().next().y(), ref.next().y()));
      diffs.note("carry z_L", MaxAbsDiff.of(got.out().next().z(), ref.next().z()));
      diffs.assertWithin(BF16_TOLERANCE, variant + " step " + step);
      assertWithMessage("%s step %s halted", variant, step).that(got.out().next().halted())
          .isEqualTo(ref.next().halted());
      carry = float32(ref.next());
    }
    // ...and bf16 is really in use: an fp32 graph would agree to about 1e-6.
    assertWithMessage("%s: logits as close as fp32, is forward_dtype ignored?", variant).that(diffs.max("logits"))
        .isGreaterThan(TOLERANCE);
    System.out.printf("GraphMatchesReferenceTest %s: max |graph - reference|: %s%n", variant, diffs);
  }

  /** Names, order and shapes of ModelTensors.specs against the reference's own derivation, small and paper sizes. */
  @Test
  void weightNamesMatchReference() {
    ArchConfig paper = tiny().setHiddenSize(512).setNumHeads(8).setPuzzleEmbNdim(512).setPuzzleEmbLen(16).build();
    List<ArchConfig> archs = List.of(paper, paper.toBuilder().setMlpT(true).setPosEncodings(PosEncoding.NONE).build(),
        paper.toBuilder().setPosEncodings(PosEncoding.LEARNED).setLLayers(3).build(),
        VARIANTS.get("attention_learned"), VARIANTS.get("attention_no_puzzle"), VARIANTS.get("mlp_mixer_none"));
    for (ArchConfig arch : archs) {
      for (ModelDims dims : List.of(DIMS, new ModelDims(11, 81, 1), new ModelDims(12, 900, 1000))) {
        Map<String, long[]> want = ReferenceWeights.expectedShapes(ReferenceDims.of(arch, dims));
        List<ParamSpec> specs = ModelTensors.specs(arch, dims);
        assertWithMessage("names for %s %s", arch, dims).that(specs.stream().map(ParamSpec::name).toList())
            .containsExactlyElementsIn(want.keySet());
        for (ParamSpec s : specs) {
          assertWithMessage("shape of %s", s.name()).that(s.shape()).isEqualTo(want.get(s.name()));
        }
        assertWithMessage("trainable count").that(ModelTensors.trainableCount(specs))
            .isEqualTo(ReferenceWeights.parameterCount(ReferenceDims.of(arch, dims)));
      }
    }
  }

  /** The official initialisation on the values the graph initialised (before the test overwrote the puzzle table and q head). */
  @Test
  void initialValuesFollowTheSpec() {
    for (Map.Entry<String, Map<String, WeightTensor>> v : INITIAL.entrySet()) {
      Map<String, WeightTensor> w = v.getValue();
      assertWithMessage("%s q_head.weight", v.getKey()).that(distinct(w.get(ModelTensors.Q_HEAD_WEIGHT)))
          .containsExactly(0f);
      assertWithMessage("%s q_head.bias", v.getKey()).that(distinct(w.get(ModelTensors.Q_HEAD_BIAS)))
          .containsExactly(-5f);
      if (w.containsKey(ModelTensors.PUZZLE_EMB)) {
        assertWithMessage("%s puzzle table", v.getKey()).that(distinct(w.get(ModelTensors.PUZZLE_EMB)))
            .containsExactly(0f);
      }
      for (Map.Entry<String, WeightTensor> e : w.entrySet()) {
        if (e.getKey().startsWith("q_head") || e.getKey().equals(ModelTensors.PUZZLE_EMB)) {
          continue; // constants, checked above
        }
        long[] shape = e.getValue().shape();
        // H_init / L_init std 1; LeCun 1/sqrt(fan-in = last axis) for linears; 1/sqrt(D) for embeddings (also last).
        double std = e.getKey().equals(ModelTensors.H_INIT) || e.getKey().equals(ModelTensors.L_INIT) ? 1
            : 1 / Math.sqrt(shape[shape.length - 1]);
        // Truncated at ±2 standard normals, then scaled by std / 0.8796 so that the actual std is std.
        double bound = 2 * std / 0.879625739;
        double largest = 0;
        for (float x : e.getValue().data()) {
          largest = Math.max(largest, Math.abs(x));
        }
        assertWithMessage("%s %s: largest |value| against the truncation bound", v.getKey(), e.getKey())
            .that(largest).isAtMost(bound + 1e-6);
      }
      // The largest tensor (a SwiGLU gate_up, 512 x 8 values of std 1/sqrt(8)): its sample std is the target one,
      // not the 0.88 x target that TF's plain truncated normal would give.
      WeightTensor gateUp = w.get("L_level.layers.0.mlp.gate_up_proj.weight");
      assertWithMessage("%s gate_up std", v.getKey()).that(std(gateUp.data()) * Math.sqrt(8)).isWithin(0.05).of(1.0);
    }
  }

  /**
   * Shifts the q_halt bias by minus the mean q_halt of a first step, so that the TRAIN rule q_halt > 0 both fires and
   * holds off in the scenario (q_halt is strongly correlated across slots in these tiny nets: uncentred, a seed can
   * give a q_halt of one sign only).
   */
  private static Map<String, WeightTensor> centreQHalt(ArchConfig arch, Map<String, WeightTensor> w, Random random) {
    ReferenceTrm trm = new ReferenceTrm(arch, DIMS, w);
    ReferenceActStep.Step first = new ReferenceActStep(trm).step(ReferenceActStep.initialCarry(trm.dims(), BATCH),
        randomBatch(random, 0), ReferenceActStep.Mode.EVAL, null, null);
    float[] bias = w.get(ModelTensors.Q_HEAD_BIAS).data().clone();
    bias[0] -= (float) Arrays.stream(first.qHalt()).average().orElseThrow();
    Map<String, WeightTensor> centred = new LinkedHashMap<>(w);
    centred.put(ModelTensors.Q_HEAD_BIAS, new WeightTensor(new long[] {2}, bias));
    return centred;
  }

  // ------------------------------------------------------------------ checks

  private static void checkDecisionsAreClear(ReferenceActStep.Step ref, ReferenceActStep.Mode mode, String where) {
    for (int b = 0; b < ref.qHalt().length; b++) {
      if (mode == ReferenceActStep.Mode.TRAIN) {
        assertWithMessage("%s: q_halt of slot %s is too close to 0 for a fair comparison; change the seed", where, b)
            .that(Math.abs(ref.qHalt()[b])).isGreaterThan(DECISION_MARGIN);
      }
      for (double[] token : ref.logits()[b]) {
        double[] sorted = token.clone();
        Arrays.sort(sorted);
        assertWithMessage("%s: an argmax of slot %s is a near tie; change the seed", where, b)
            .that(sorted[sorted.length - 1] - sorted[sorted.length - 2]).isGreaterThan(DECISION_MARGIN);
      }
    }
  }

  private static void checkData(ReferenceActStep.Carry got, ReferenceActStep.Carry want, String where) {
    assertWithMessage("%s inputs", where).that(got.inputs()).isEqualTo(want.inputs());
    assertWithMessage("%s labels", where).that(got.labels()).isEqualTo(want.labels());
    assertWithMessage("%s puzzle ids", where).that(got.puzzleIds()).isEqualTo(want.puzzleIds());
  }

  private static void checkPuzzleRows(
      double[][] got, Map<String, WeightTensor> weights, int[] ids, String where) {
    assertWithMessage("%s puzzle rows", where).that(got).isNotNull();
    WeightTensor table = weights.get(ModelTensors.PUZZLE_EMB);
    int ndim = (int) table.shape()[1];
    for (int b = 0; b < ids.length; b++) {
      double[] want = new double[ndim];
      for (int j = 0; j < ndim; j++) {
        want[j] = table.data()[ids[b] * ndim + j];
      }
      assertWithMessage("%s puzzle row of slot %s", where, b).that(MaxAbsDiff.of(got[b], want)).isEqualTo(0.0);
    }
  }

  private static void checkLosses(ActStepGraph.LossValues got, ReferenceLosses.Result want, String where, Diffs diffs) {
    diffs.note("lm_loss", Math.abs(got.lmLoss() - want.lmLoss()));
    diffs.note("q_halt_loss", Math.abs(got.qHaltLoss() - want.qHaltLoss()));
    diffs.note("total", Math.abs(got.total() - want.total()));
    diffs.note("accuracy", Math.abs(got.accuracy() - want.accuracy()));
    diffs.assertWithin(TOLERANCE, where);
    assertWithMessage("%s count", where).that(got.count()).isEqualTo((double) want.count());
    assertWithMessage("%s exact_accuracy", where).that(got.exactAccuracy()).isEqualTo((double) want.exactAccuracy());
    assertWithMessage("%s q_halt_accuracy", where).that(got.qHaltAccuracy()).isEqualTo((double) want.qHaltAccuracy());
    assertWithMessage("%s steps", where).that(got.steps()).isEqualTo((double) want.steps());
    assertWithMessage("%s predictions", where).that(got.predictions()).isEqualTo(want.predictions());
  }

  /** The running maximum of each output's difference over all steps. */
  private static final class Diffs {
    private final Map<String, Double> max = new LinkedHashMap<>();

    void note(String output, double diff) {
      max.merge(output, diff, Math::max);
    }

    double max(String output) {
      return max.get(output);
    }

    void assertWithin(double tolerance, String where) {
      max.forEach((output, diff) -> assertWithMessage("%s %s: max |graph - reference|", where, output)
          .that(diff).isAtMost(tolerance));
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder();
      max.forEach((k, v) -> s.append(k).append(String.format(" %.1e, ", v)));
      return s.substring(0, s.length() - 2);
    }
  }

  // ------------------------------------------------------------------ data

  /** Random tokens and puzzle ids; about a third of the labels ignored, and one slot (moving) with none valid. */
  private static ReferenceActStep.NewExamples randomBatch(Random random, int step) {
    int[][] inputs = new int[BATCH][DIMS.seqLen()];
    int[][] labels = new int[BATCH][DIMS.seqLen()];
    int[] ids = new int[BATCH];
    for (int b = 0; b < BATCH; b++) {
      for (int s = 0; s < DIMS.seqLen(); s++) {
        inputs[b][s] = random.nextInt(DIMS.vocabSize());
        boolean ignored = b == step % BATCH || random.nextInt(3) == 0;
        labels[b][s] = ignored ? ReferenceLosses.IGNORE : random.nextInt(DIMS.vocabSize());
      }
      ids[b] = random.nextInt(DIMS.numPuzzleIdentifiers());
    }
    return new ReferenceActStep.NewExamples(inputs, labels, ids);
  }

  /** The carry with its states rounded to float32: what the graph is fed, so both sides start from the same values. */
  private static ReferenceActStep.Carry float32(ReferenceActStep.Carry c) {
    double[][][][] states = {c.y(), c.z()};
    double[][][][] rounded = new double[2][c.batchSize()][][];
    for (int s = 0; s < 2; s++) {
      for (int b = 0; b < c.batchSize(); b++) {
        rounded[s][b] = new double[states[s][b].length][];
        for (int t = 0; t < states[s][b].length; t++) {
          rounded[s][b][t] = new double[states[s][b][t].length];
          for (int j = 0; j < rounded[s][b][t].length; j++) {
            rounded[s][b][t][j] = (float) states[s][b][t][j];
          }
        }
      }
    }
    return new ReferenceActStep.Carry(rounded[0], rounded[1], c.steps(), c.halted(), c.inputs(), c.labels(),
        c.puzzleIds());
  }

  private static WeightTensor gaussian(long[] shape, double std, Random random) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] data = new float[(int) n];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) (std * random.nextGaussian());
    }
    return new WeightTensor(shape, data);
  }

  private static Set<Float> distinct(WeightTensor t) {
    Set<Float> values = new TreeSet<>();
    for (float x : t.data()) {
      values.add(x);
    }
    return values;
  }

  private static double std(float[] data) {
    double mean = 0;
    for (float x : data) {
      mean += x;
    }
    mean /= data.length;
    double var = 0;
    for (float x : data) {
      var += (x - mean) * (x - mean);
    }
    return Math.sqrt(var / data.length);
  }
}
