package dev.trm.model.reference;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.model.ModelDims;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.ArchConfig;
import dev.trm.model.config.DType;
import dev.trm.model.config.LossType;
import dev.trm.model.config.PosEncoding;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Values worked out by hand from the model's definition (docs/ALGORITHM.md; the derivation is in each comment), so that the reference is checked
 * by something other than code. Sizes are tiny and weights are chosen so that the answers have closed forms.
 */
class ReferenceHandValuesTest {
  private static final double EXACT = 1e-12;
  private static final double SQRT2 = Math.sqrt(2);
  /** Vocabulary 2, one grid cell, two puzzle rows. */
  private static final ModelDims HAND_DATA = new ModelDims(2, 1, 2);

  @Test
  void swigluWidthFollowsTheSpecTable() {
    // The official SwiGLU width: round(4·h·2/3) rounded up to a multiple of 256.
    assertThat(ReferenceDims.swigluInter(512, 4)).isEqualTo(1536);
    assertThat(ReferenceDims.swigluInter(97, 4)).isEqualTo(512);
    assertThat(ReferenceDims.swigluInter(916, 4)).isEqualTo(2560);
    assertThat(ReferenceDims.swigluInter(4, 4)).isEqualTo(256);
    // 1.5·3·2/3 = 3 exactly; 0.75·5·2/3 = 2.5 rounds half to even (2), then to 256 either way; 384·2/3·1 = 256.
    assertThat(ReferenceDims.swigluInter(384, 1)).isEqualTo(256);
    assertThat(ReferenceDims.swigluInter(385, 1)).isEqualTo(512);
  }

  @Test
  void parameterCountsMatchTheSpecTable() {
    // The official num_params (no puzzle table, no H_init / L_init).
    assertThat(count(false, 2, 11, 81)).isEqualTo(6_828_034L); // TRM-Att Sudoku
    assertThat(count(false, 2, 12, 900)).isEqualTo(6_829_058L); // TRM-Att ARC
    assertThat(count(false, 2, 6, 900)).isEqualTo(6_822_914L); // TRM-Att Maze
    assertThat(count(true, 2, 11, 81)).isEqualTo(5_028_866L); // TRM-MLP Sudoku
    assertThat(count(true, 2, 6, 900)).isEqualTo(18_795_522L); // TRM-MLP Maze
    assertThat(count(true, 2, 12, 900)).isEqualTo(18_801_666L); // TRM-MLP ARC
    assertThat(count(true, 4, 11, 81)).isEqualTo(10_045_442L); // TRM-MLP, 4 layers
  }

  private static long count(boolean mlpT, int layers, int vocab, int seqLen) {
    ArchConfig arch = arch(512, 8, PosEncoding.ROPE, 512, 16).toBuilder().setMlpT(mlpT).setLLayers(layers)
        .setPosEncodings(mlpT ? PosEncoding.NONE : PosEncoding.ROPE).build();
    return ReferenceWeights.parameterCount(ReferenceDims.of(arch, new ModelDims(vocab, seqLen, 1)));
  }

  @Test
  void prefixLengthRule() {
    ModelDims data = new ModelDims(11, 81, 1);
    assertThat(ReferenceDims.of(arch(512, 8, PosEncoding.ROPE, 512, 16), data).prefixLen()).isEqualTo(16);
    assertThat(ReferenceDims.of(arch(512, 8, PosEncoding.ROPE, 512, 16), data).totalLen()).isEqualTo(97);
    // puzzle_emb_len 0: ceil(ndim / D) slots
    assertThat(ReferenceDims.of(arch(512, 8, PosEncoding.ROPE, 512, 0), data).prefixLen()).isEqualTo(1);
    assertThat(ReferenceDims.of(arch(512, 8, PosEncoding.ROPE, 1000, 0), data).prefixLen()).isEqualTo(2);
    assertThat(ReferenceDims.of(arch(512, 8, PosEncoding.ROPE, 0, 16), data).prefixLen()).isEqualTo(0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReferenceDims.of(arch(512, 8, PosEncoding.ROPE, 1025, 2), data));
    assertThat(e).hasMessageThat().contains("puzzle_emb_ndim 1025");
  }

  @Test
  void rmsNormHasNoGainAndEpsOneEMinus5() {
    // mean([1, 4, 9, 16]) = 7.5
    double[] got = ReferenceMath.rmsNormRows(new double[][] {{1, 2, 3, 4}}, 1e-5)[0];
    double s = Math.sqrt(7.5 + 1e-5);
    assertThat(got).usingTolerance(EXACT).containsExactly(1 / s, 2 / s, 3 / s, 4 / s).inOrder();
    // For tiny inputs eps dominates: 1e-3 / sqrt(1e-6 + 1e-5) = 0.30151...
    double[] tiny = ReferenceMath.rmsNormRows(new double[][] {{1e-3, -1e-3}}, 1e-5)[0];
    assertThat(tiny[0]).isWithin(EXACT).of(1e-3 / Math.sqrt(1.1e-5));
  }

  @Test
  void ropeRotatesHalvesAtPerChannelFrequencies() {
    // headDim 2: one frequency theta^0 = 1, so position p turns [1, 0] by p radians.
    assertThat(new ReferenceRope(2, 10000).rotate(new double[] {1, 0}, 1)).usingTolerance(EXACT)
        .containsExactly(Math.cos(1), Math.sin(1)).inOrder();
    // headDim 4, theta 100: frequencies [1, 100^(-1/2) = 0.1]; channel j pairs with j + 2 (rotate-half, not
    // interleaved).
    ReferenceRope rope = new ReferenceRope(4, 100);
    assertThat(rope.rotate(new double[] {0, 1, 0, 0}, 2)).usingTolerance(EXACT)
        .containsExactly(0, Math.cos(0.2), 0, Math.sin(0.2)).inOrder();
    assertThat(rope.rotate(new double[] {0, 0, 1, 0}, 2)).usingTolerance(EXACT)
        .containsExactly(-Math.sin(2), 0, Math.cos(2), 0).inOrder();
  }

  @Test
  void attentionIsAnUnmaskedSoftmaxOverScaledDotProducts() {
    // One head of width 2, q = k = c·h, v = h, o = identity, with c² = sqrt(2)·ln 3: the scaled score of a token with
    // itself is c²·1/sqrt(2) = ln 3 and with the other 0, so the weights are [3/4, 1/4].
    double c = Math.sqrt(SQRT2 * Math.log(3));
    Map<String, WeightTensor> w = handWeights(false);
    w.put("L_level.layers.0.self_attn.qkv_proj.weight", tensor(new long[] {6, 2}, c, 0, 0, c, c, 0, 0, c, 1, 0, 0, 1));
    w.put("L_level.layers.0.self_attn.o_proj.weight", tensor(new long[] {2, 2}, 1, 0, 0, 1));
    ReferenceBlock block = new ReferenceBlock(ReferenceWeights.of(w, handDims(false)), handDims(false), 0);
    double[][] out = block.attention(new double[][] {{1, 0}, {0, 1}});
    // c is stored as a float32 weight, hence the looser tolerance.
    assertThat(out[0]).usingTolerance(1e-6).containsExactly(0.75, 0.25).inOrder();
    assertThat(out[1]).usingTolerance(1e-6).containsExactly(0.25, 0.75).inOrder();
  }

  @Test
  void swigluGatesWithTheFirstHalf() {
    // inter 2: gate = [x0, 0], up = [2·x0, 0]; out = down · [silu(1)·2, silu(0)·0] for x = [1, 0].
    ReferenceBlock.SwiGlu mlp = new ReferenceBlock.SwiGlu(
        new double[][] {{1, 0}, {0, 0}, {2, 0}, {0, 0}}, new double[][] {{1, 0}, {-1, 0}});
    double silu1 = 1 / (1 + Math.exp(-1));
    assertThat(mlp.apply(new double[][] {{1, 0}})[0]).usingTolerance(EXACT)
        .containsExactly(2 * silu1, -2 * silu1).inOrder();
  }

  @Test
  void tokenMixerNormalisesOverTheSequenceAxisFirst() {
    // Zero weights leave only the two norms. h = [[1, 0], [3, 4]] (L = 2 rows, D = 2).
    // Over the sequence: channel 0 is [1, 3] / sqrt(5), channel 1 is [0, 4] / sqrt(8) = [0, sqrt 2].
    // Then over channels: row 0 [1/sqrt5, 0] / sqrt(1/10) = [sqrt 2, 0]; row 1 [3/sqrt5, sqrt2] / sqrt(19/10).
    ReferenceDims dims = handDims(true);
    ReferenceBlock block = new ReferenceBlock(ReferenceWeights.of(handWeights(true), dims), dims, 0);
    double[][] out = block.apply(new double[][] {{1, 0}, {3, 4}});
    double r = Math.sqrt(1.9);
    assertThat(out[0]).usingTolerance(1e-9).containsExactly(SQRT2, 0).inOrder();
    assertThat(out[1]).usingTolerance(1e-9).containsExactly(3 / Math.sqrt(5) / r, SQRT2 / r).inOrder();
  }

  @Test
  void oneStepWiringWithZeroBlocks() {
    // Zero block weights make every block the RMS norm, so f(h, inj) = norm(h + inj). D = 2, P = 1, S = 1, T = n = 1.
    // E_tok = I, puzzle row 0 = [1, 1], H_init = [1, 0], L_init = [0, 1], lm_head = I, q_head = I, bias [0.5, -0.5].
    ReferenceTrm trm = new ReferenceTrm(handArch(false), HAND_DATA, handWeights(false));
    // x = sqrt(2)·[[1, 1] (puzzle slot), [0, 1] (token 1)]
    double[][] x = trm.inputEmbeddings(new int[] {1}, 0);
    assertThat(x[0]).usingTolerance(EXACT).containsExactly(SQRT2, SQRT2).inOrder();
    assertThat(x[1]).usingTolerance(EXACT).containsExactly(0, SQRT2).inOrder();
    // z = norm(L_init + H_init + x): row 0 = norm([1+√2, 1+√2]) = [1, 1]; row 1 = [1, 1+√2] / sqrt(2+√2)
    // y = norm(H_init + z) (no x): row 0 = norm([2, 1]) = [2, 1] / sqrt(2.5)
    ReferenceTrm.State s = trm.recurse(trm.initialState(), x);
    double k = Math.sqrt(2 + SQRT2);
    assertThat(s.z()[0]).usingTolerance(1e-9).containsExactly(1, 1).inOrder();
    assertThat(s.z()[1]).usingTolerance(1e-9).containsExactly(1 / k, (1 + SQRT2) / k).inOrder();
    assertThat(s.y()[0]).usingTolerance(1e-9).containsExactly(2 / Math.sqrt(2.5), 1 / Math.sqrt(2.5)).inOrder();
    double[] y1 = {1 + 1 / k, (1 + SQRT2) / k};
    double n1 = Math.sqrt((y1[0] * y1[0] + y1[1] * y1[1]) / 2);
    // logits = lm_head · y[grid] = y row 1 only (the prefix row is dropped); q = q_head · y row 0 + bias.
    double[][] logits = trm.lmLogits(s.y());
    assertThat(logits.length).isEqualTo(1);
    assertThat(logits[0]).usingTolerance(1e-9).containsExactly(y1[0] / n1, y1[1] / n1).inOrder();
    assertThat(trm.qLogits(s.y())).usingTolerance(1e-9)
        .containsExactly(2 / Math.sqrt(2.5) + 0.5, 1 / Math.sqrt(2.5) - 0.5).inOrder();
  }

  @Test
  void lossesAndMetricsOfAHandBatch() {
    double[][][] logits = {
        {{2, 0, -1}, {0, 1, 0}}, // label [0, ignored]: stablemax s = [3, 1, 1/2], CE = ln(4.5/3); right
        {{0, 0, 0}, {1, 0, 3}}, // labels [1, 2]: CE ln 3 and ln(7/4); argmax [0 (first of ties), 2]: half right
        {{0, 1, 0}, {0, 0, 1}}, // no valid label: no LM loss, counts as right for the q target, not in the metrics
        {{0, 5, 0}, {0, 0, 0}}, // labels [1, 0]: CE ln(8/6), ln 3; right, but not halted: losses only
    };
    int[][] labels = {{0, -100}, {1, 2}, {-100, -100}, {1, 0}};
    double[] qHalt = {1, -2, 0, 3};
    boolean[] halted = {true, true, true, false};
    int[] steps = {3, 1, 2, 2};
    ReferenceLosses.Result r =
        ReferenceLosses.compute(LossType.STABLEMAX_CROSS_ENTROPY, logits, labels, qHalt, halted, steps);
    double lm = Math.log(1.5) + (Math.log(3) + Math.log(1.75)) / 2 + (Math.log(8.0 / 6) + Math.log(3)) / 2;
    // BCE(x, 1) = ln(1 + e^-x), BCE(x, 0) = ln(1 + e^x)
    double q = Math.log1p(Math.exp(-1)) + Math.log1p(Math.exp(-2)) + Math.log(2) + Math.log1p(Math.exp(-3));
    assertThat(r.lmLoss()).isWithin(EXACT).of(lm);
    assertThat(r.qHaltLoss()).isWithin(EXACT).of(q);
    assertThat(r.total()).isWithin(EXACT).of(lm + 0.5 * q);
    assertThat(r.count()).isEqualTo(2);
    assertThat(r.accuracy()).isWithin(EXACT).of(1.5);
    assertThat(r.exactAccuracy()).isEqualTo(1);
    assertThat(r.qHaltAccuracy()).isEqualTo(2); // (1 ≥ 0) == right, (−2 ≥ 0) == wrong
    assertThat(r.steps()).isEqualTo(4);
    assertThat(r.predictions()).isEqualTo(new int[][] {{0, 1}, {0, 2}, {1, 2}, {1, 0}});
  }

  @Test
  void crossEntropyVariants() {
    // softmax: p = 3/(1+3) for logits [0, ln 3]
    assertThat(ReferenceLosses.logProb(LossType.SOFTMAX_CROSS_ENTROPY, new double[] {0, Math.log(3)}, 1))
        .isWithin(EXACT).of(Math.log(0.75));
    // stablemax of a negative logit: s(-1) = 1/2, s(0) = 1
    assertThat(ReferenceLosses.logProb(LossType.STABLEMAX_CROSS_ENTROPY, new double[] {-1, 0}, 0))
        .isWithin(EXACT).of(-Math.log(3));
    assertThat(ReferenceLosses.bceWithLogits(0, 1)).isWithin(EXACT).of(Math.log(2));
    assertThat(ReferenceLosses.bceWithLogits(-800, 1)).isWithin(EXACT).of(800); // no overflow
  }

  @Test
  void haltingResetAndExploration() {
    // q_head weight 0 makes q_halt = its bias: +1 (would halt) in slots 0-2. halt_max_steps 3, exploration p = 0.5.
    Map<String, WeightTensor> w = handWeights(false);
    w.put("q_head.weight", tensor(new long[] {2, 2}, 0, 0, 0, 0));
    w.put("q_head.bias", tensor(new long[] {2}, 1, 0));
    ReferenceTrm trm = new ReferenceTrm(handArch(false), HAND_DATA, w);
    ReferenceActStep act = new ReferenceActStep(trm);
    ReferenceActStep.NewExamples a = batch(0, 0, 0, 0);
    ReferenceActStep.NewExamples b = batch(1, 1, 1, 1);
    ReferenceActStep.Carry start = ReferenceActStep.initialCarry(trm.dims(), 4);

    // TRAIN: slots 0 and 3 do not explore (u ≥ p; 0.5 is not < 0.5) and halt at once; slot 1 explores with a minimum
    // of 3 steps, slot 2 with a minimum of 2.
    double[] u = {0.5, 0.1, 0.1, 0.9};
    int[] minHalt = {3, 3, 2, 2};
    ReferenceActStep.Step s1 = act.step(start, a, ReferenceActStep.Mode.TRAIN, u, minHalt);
    assertThat(s1.next().steps()).isEqualTo(new int[] {1, 1, 1, 1});
    assertThat(s1.next().halted()).isEqualTo(new boolean[] {true, false, false, true});
    ReferenceActStep.Step s2 = act.step(s1.next(), b, ReferenceActStep.Mode.TRAIN, u, minHalt);
    // Halted slots 0 and 3 were reset and took batch b; slots 1 and 2 kept batch a's data and ignored b's.
    assertThat(s2.current().inputs()).isEqualTo(new int[][] {{1}, {0}, {0}, {1}});
    assertThat(s2.current().puzzleIds()).isEqualTo(new int[] {1, 0, 0, 1});
    assertThat(s2.current().y()[0]).isEqualTo(trm.initialState().y());
    assertThat(s2.current().y()[1]).isEqualTo(s1.next().y()[1]);
    assertThat(s2.next().steps()).isEqualTo(new int[] {1, 2, 2, 1});
    assertThat(s2.next().halted()).isEqualTo(new boolean[] {true, false, true, true});
    ReferenceActStep.Step s3 = act.step(s2.next(), a, ReferenceActStep.Mode.TRAIN, u, minHalt);
    // Slot 1 reaches the cap; slot 2 restarts and explores again.
    assertThat(s3.next().steps()).isEqualTo(new int[] {1, 3, 1, 1});
    assertThat(s3.next().halted()).isEqualTo(new boolean[] {true, true, false, true});

    // EVAL ignores q_halt and exploration: exactly halt_max_steps steps.
    ReferenceActStep.Carry c = start;
    for (int step = 1; step <= 3; step++) {
      c = act.step(c, a, ReferenceActStep.Mode.EVAL, null, null).next();
      assertThat(c.halted()).isEqualTo(step == 3 ? new boolean[] {true, true, true, true} : new boolean[4]);
    }
  }

  @Test
  void trainWithASingleStepAlwaysHalts() {
    // halt_max_steps 1: the q rule and exploration are skipped (official: "training and halt_max_steps > 1").
    Map<String, WeightTensor> w = handWeights(false);
    w.put("q_head.weight", tensor(new long[] {2, 2}, 0, 0, 0, 0));
    w.put("q_head.bias", tensor(new long[] {2}, -1, 0));
    ReferenceTrm trm = new ReferenceTrm(handArch(false).toBuilder().setHaltMaxSteps(1).build(), HAND_DATA, w);
    ReferenceActStep.Step out = new ReferenceActStep(trm).step(ReferenceActStep.initialCarry(trm.dims(), 2),
        batch(0, 1), ReferenceActStep.Mode.TRAIN, new double[] {0.0, 0.9}, new int[] {2, 2});
    assertThat(out.next().halted()).isEqualTo(new boolean[] {true, true});
  }

  @Test
  void badWeightsAreNamed() {
    ReferenceDims dims = handDims(false);
    Map<String, WeightTensor> missing = handWeights(false);
    missing.remove("lm_head.weight");
    assertThat(assertThrows(IllegalArgumentException.class, () -> ReferenceWeights.of(missing, dims)))
        .hasMessageThat().isEqualTo("missing weight 'lm_head.weight'");
    Map<String, WeightTensor> misshapen = handWeights(false);
    misshapen.put("q_head.bias", tensor(new long[] {3}, 0, 0, 0));
    assertThat(assertThrows(IllegalArgumentException.class, () -> ReferenceWeights.of(misshapen, dims)))
        .hasMessageThat().isEqualTo("weight 'q_head.bias' has shape [3], expected [2]");
    Map<String, WeightTensor> extra = handWeights(false);
    extra.put("embed_pos.embedding_weight", tensor(new long[] {1}, 0));
    assertThat(assertThrows(IllegalArgumentException.class, () -> ReferenceWeights.of(extra, dims)))
        .hasMessageThat().contains("unexpected weight 'embed_pos.embedding_weight'");
    Map<String, WeightTensor> prefixed = new LinkedHashMap<>();
    handWeights(false).forEach((k, v) -> prefixed.put(ReferenceWeights.OFFICIAL_PREFIX + k, v));
    ReferenceWeights.of(prefixed, dims); // accepted
  }

  @Test
  void badInputsAreNamed() {
    ReferenceTrm trm = new ReferenceTrm(handArch(false), HAND_DATA, handWeights(false));
    assertThat(assertThrows(IllegalArgumentException.class, () -> trm.inputEmbeddings(new int[] {2}, 0)))
        .hasMessageThat().isEqualTo("token at position 0 is 2, outside [0, 2)");
    assertThat(assertThrows(IllegalArgumentException.class, () -> trm.inputEmbeddings(new int[] {1}, 2)))
        .hasMessageThat().isEqualTo("puzzle id is 2, outside [0, 2)");
  }

  // ------------------------------------------------------------------ the hand model: D = 2, one head, P = 1, S = 1

  private static ArchConfig arch(int hidden, int heads, PosEncoding pos, int ndim, int len) {
    return ArchConfig.newBuilder().setHiddenSize(hidden).setNumHeads(heads).setExpansion(4).setLLayers(2)
        .setHCycles(3).setLCycles(6).setPosEncodings(pos).setRopeTheta(10000).setRmsNormEps(1e-5f)
        .setPuzzleEmbNdim(ndim).setPuzzleEmbLen(len).setMlpT(false).setForwardDtype(DType.FLOAT32)
        .setHaltMaxSteps(16).setHaltExplorationProb(0.1f).setNoActContinue(true)
        .setLossType(LossType.STABLEMAX_CROSS_ENTROPY).build();
  }

  /** One layer, T = n = 1, no positions, and an eps small enough for closed forms. */
  private static ArchConfig handArch(boolean mlpT) {
    return arch(2, 1, PosEncoding.NONE, 2, 1).toBuilder().setLLayers(1).setHCycles(1).setLCycles(1)
        .setRmsNormEps(1e-30f).setMlpT(mlpT).setHaltMaxSteps(3).setHaltExplorationProb(0.5f).build();
  }

  private static ReferenceDims handDims(boolean mlpT) {
    return ReferenceDims.of(handArch(mlpT), HAND_DATA);
  }

  /** Zero blocks; identity embeddings and heads; see {@link #oneStepWiringWithZeroBlocks}. */
  private static Map<String, WeightTensor> handWeights(boolean mlpT) {
    Map<String, WeightTensor> w = new LinkedHashMap<>();
    ReferenceWeights.expectedShapes(handDims(mlpT)).forEach((name, shape) -> w.put(name, tensor(shape)));
    w.put("embed_tokens.embedding_weight", tensor(new long[] {2, 2}, 1, 0, 0, 1));
    w.put("lm_head.weight", tensor(new long[] {2, 2}, 1, 0, 0, 1));
    w.put("q_head.weight", tensor(new long[] {2, 2}, 1, 0, 0, 1));
    w.put("q_head.bias", tensor(new long[] {2}, 0.5, -0.5));
    w.put("puzzle_emb.weights", tensor(new long[] {2, 2}, 1, 1, 0, 0));
    w.put("H_init", tensor(new long[] {2}, 1, 0));
    w.put("L_init", tensor(new long[] {2}, 0, 1));
    return w;
  }

  /** Batch of one-token sequences, labels 0, puzzle id = token (the ACT test uses three puzzle rows). */
  private static ReferenceActStep.NewExamples batch(int... tokens) {
    int[][] inputs = new int[tokens.length][];
    int[][] labels = new int[tokens.length][1];
    for (int i = 0; i < tokens.length; i++) {
      inputs[i] = new int[] {tokens[i]};
    }
    return new ReferenceActStep.NewExamples(inputs, labels, tokens.clone());
  }

  /** A tensor of the given values, or zeros when none are given. */
  private static WeightTensor tensor(long[] shape, double... values) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] data = new float[(int) n];
    for (int i = 0; i < values.length; i++) {
      data[i] = (float) values[i];
    }
    return new WeightTensor(shape, data);
  }
}
