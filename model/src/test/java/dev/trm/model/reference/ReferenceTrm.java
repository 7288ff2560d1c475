package dev.trm.model.reference;

import static dev.trm.model.reference.ReferenceMath.add;

import dev.trm.model.ModelDims;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.ArchConfig;
import dev.trm.model.config.PosEncoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A second, independent TRM forward pass in plain Java and double precision, written from the official code's definition for checking
 * the TensorFlow graph. It works on one sequence at a time; states are [L, D] with L = P prefix slots + S grid cells.
 *
 * <p>It is slow and has no gradients, by design: every line should be checkable against docs/ALGORITHM.md by eye.
 */
public final class ReferenceTrm {
  /** The answer y (official z_H) and the latent z (official z_L), each [L, D]. */
  public record State(double[][] y, double[][] z) {}

  private final ReferenceDims dims;
  private final double[][] tokenEmbedding; // [V, D]
  private final double[][] puzzleTable; // [ids, ndim], null without a puzzle embedding
  private final double[][] positionEmbedding; // [L, D], learned positions only
  private final List<ReferenceBlock> blocks = new ArrayList<>();
  private final double[][] lmHead; // [V, D]
  private final double[][] qHead; // [2, D]
  private final double[] qBias; // [2]
  private final double[] hInit; // [D]
  private final double[] lInit; // [D]

  /**
   * @param weights by official name (with or without the {@code _orig_mod.model.inner.} prefix), [out, in] layout
   * @throws IllegalArgumentException naming the missing, unexpected or misshapen weight
   */
  public ReferenceTrm(ArchConfig arch, ModelDims data, Map<String, WeightTensor> weights) {
    dims = ReferenceDims.of(arch, data);
    ReferenceWeights w = ReferenceWeights.of(weights, dims);
    tokenEmbedding = w.matrix("embed_tokens.embedding_weight");
    puzzleTable = dims.prefixLen() > 0 ? w.matrix("puzzle_emb.weights") : null;
    positionEmbedding = arch.getPosEncodings() == PosEncoding.LEARNED ? w.matrix("embed_pos.embedding_weight") : null;
    for (int i = 0; i < arch.getLLayers(); i++) {
      blocks.add(new ReferenceBlock(w, dims, i));
    }
    lmHead = w.matrix("lm_head.weight");
    qHead = w.matrix("q_head.weight");
    qBias = w.vector("q_head.bias");
    hInit = w.vector("H_init");
    lInit = w.vector("L_init");
  }

  public ReferenceDims dims() {
    return dims;
  }

  /**
   * The input injection x [L, D]: puzzle vector in prefix slot 0 (zero-padded over the P·D prefix), token
   * embeddings after it, learned positions averaged in with 0.707106781, everything times sqrt(D).
   */
  public double[][] inputEmbeddings(int[] inputs, int puzzleId) {
    int p = dims.prefixLen();
    int d = dims.hidden();
    if (inputs.length != dims.seqLen()) {
      throw new IllegalArgumentException("inputs has " + inputs.length + " tokens, seq_len is " + dims.seqLen());
    }
    double[][] x = new double[dims.totalLen()][d];
    if (p > 0) {
      checkIndex("puzzle id", puzzleId, puzzleTable.length);
      double[] row = puzzleTable[puzzleId];
      for (int i = 0; i < row.length; i++) {
        x[i / d][i % d] = row[i];
      }
    }
    for (int s = 0; s < inputs.length; s++) {
      checkIndex("token at position " + s, inputs[s], dims.vocab());
      x[p + s] = tokenEmbedding[inputs[s]].clone();
    }
    double scale = Math.sqrt(d);
    for (int t = 0; t < x.length; t++) {
      for (int j = 0; j < d; j++) {
        double e = positionEmbedding == null ? x[t][j] : 0.707106781 * (x[t][j] + positionEmbedding[t][j]);
        x[t][j] = scale * e;
      }
    }
    return x;
  }

  /** One layer of the shared network, on h [L, D]. */
  public double[][] block(int layer, double[][] h) {
    return blocks.get(layer).apply(h);
  }

  /** The shared network f(h, injection) = blocks(h + injection): the injection is added once, before layer 0. */
  public double[][] reasoningNet(double[][] h, double[][] injection) {
    double[][] out = add(h, injection);
    for (ReferenceBlock b : blocks) {
      out = b.apply(out);
    }
    return out;
  }

  /**
   * One ACT step's recursion: T cycles of { n times z ← f(z, y + x); y ← f(y, z) }. The graph stops the
   * gradient after the first T − 1 cycles; values are the same with or without it, so the reference has no such line.
   */
  public State recurse(State start, double[][] x) {
    double[][] y = start.y();
    double[][] z = start.z();
    for (int cycle = 0; cycle < dims.arch().getHCycles(); cycle++) {
      for (int i = 0; i < dims.arch().getLCycles(); i++) {
        z = reasoningNet(z, add(y, x));
      }
      y = reasoningNet(y, z);
    }
    return new State(y, z);
  }

  /** Token logits [S, V] from y: the lm head on the grid positions only (the P prefix slots are dropped). */
  public double[][] lmLogits(double[][] y) {
    double[][] grid = new double[dims.seqLen()][];
    System.arraycopy(y, dims.prefixLen(), grid, 0, grid.length);
    return ReferenceMath.linear(grid, lmHead);
  }

  /** [q_halt, q_continue] from position 0 of y (prefix slot 0, the "CLS" slot). */
  public double[] qLogits(double[][] y) {
    double[] q = ReferenceMath.linear(new double[][] {y[0]}, qHead)[0];
    return new double[] {q[0] + qBias[0], q[1] + qBias[1]};
  }

  /** The state a reset slot starts from: H_init and L_init broadcast over all L positions. */
  public State initialState() {
    return new State(ReferenceMath.broadcast(hInit, dims.totalLen()), ReferenceMath.broadcast(lInit, dims.totalLen()));
  }

  private static void checkIndex(String what, int value, int bound) {
    if (value < 0 || value >= bound) {
      throw new IllegalArgumentException(what + " is " + value + ", outside [0, " + bound + ")");
    }
  }
}
