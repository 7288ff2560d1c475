package dev.trm.bench;

import dev.trm.model.TrmShape;

/**
 * Analytic FLOPs per example of a TRM step, counting matrix products only (2 FLOPs per multiply-add).
 *
 * <p>Elementwise work (RMSNorm, SiLU, residual sums, RoPE, softmax, the optimizer) is left out: for the paper's
 * Sudoku configs it is under 1% of the matmul FLOPs, and the fraction of the matmul peak is what the benchmark
 * reports. Embedding lookups are gathers, not products.
 *
 * <p>Check against the commonly quoted "about 42.7 GFLOP per TRM-MLP Sudoku training example": one application
 * of the 2-layer net is 2 x (152.6 M token-mixer + 457.7 M channel SwiGLU) = 1.2205 GFLOP; a training step is 21
 * forward applications plus the backward of the last 7 at twice the forward, i.e. 35 x 1.2205 = 42.719 GFLOP,
 * plus 2.7 MFLOP of heads (lm_head forward and backward) that the round figure leaves out: 42.722 GFLOP.
 * TRM-Att Sudoku: 35 x 1.3608 = 47.63 GFLOP.
 */
public final class FlopCounter {
  private final TrmShape shape;

  private FlopCounter(TrmShape shape) {
    this.shape = shape;
  }

  /** The counter for the model of that shape. */
  public static FlopCounter of(TrmShape shape) {
    return new FlopCounter(shape);
  }

  /** Forward FLOPs of one layer's token mixing: attention (projections, scores, values) or the token MLP. */
  public double tokenMixingPerLayer() {
    double d = shape.hidden();
    double len = shape.totalLen();
    if (shape.mlpT()) {
      // SwiGLU over the sequence axis, for each of the D channels: L -> 2I, then I -> L.
      return linear(d, len, 2.0 * shape.tokenInter()) + linear(d, shape.tokenInter(), len);
    }
    double qkv = linear(len, d, 3 * d);
    // Per head: scores [L, hd] x [hd, L] and values [L, L] x [L, hd]; over all heads hd sums to D.
    double scores = 2 * len * len * d;
    double values = 2 * len * len * d;
    double out = linear(len, d, d);
    return qkv + scores + values + out;
  }

  /** Forward FLOPs of one layer's channel SwiGLU: D -> 2I, then I -> D, for each of the L tokens. */
  public double channelMlpPerLayer() {
    double len = shape.totalLen();
    return linear(len, shape.hidden(), 2.0 * shape.channelInter()) + linear(len, shape.channelInter(), shape.hidden());
  }

  /** Forward FLOPs of one application of the shared net f (all its layers). */
  public double netApplication() {
    return shape.layers() * (tokenMixingPerLayer() + channelMlpPerLayer());
  }

  /** Net applications per ACT step: T cycles of n latent updates and one answer update. */
  public int applicationsPerActStep() {
    return shape.hCycles() * (shape.lCycles() + 1);
  }

  /** Net applications with gradient per training step: the last cycle's n + 1. */
  public int applicationsWithGradient() {
    return shape.lCycles() + 1;
  }

  /** Forward FLOPs of the output heads: lm_head on the S grid tokens, q_head on prefix slot 0. */
  public double heads() {
    return linear(shape.seqLen(), shape.hidden(), shape.vocab()) + linear(1, shape.hidden(), 2);
  }

  /** Forward FLOPs of one ACT step. */
  public double actStepForward() {
    return applicationsPerActStep() * netApplication() + heads();
  }

  /**
   * FLOPs of one training ACT step: the forward of every application, plus backward of the with-gradient part at
   * twice its forward (one product for the input gradient, one for the weight gradient).
   */
  public double trainStep() {
    return actStepForward() + 2 * (applicationsWithGradient() * netApplication() + heads());
  }

  /** FLOPs of inference at a fixed number of ACT steps (16 for the official evaluation). */
  public double inference(int actSteps) {
    return actSteps * actStepForward();
  }

  /** FLOPs of x [rows, in] times a weight [in, out]. */
  private static double linear(double rows, double in, double out) {
    return 2 * rows * in * out;
  }
}
