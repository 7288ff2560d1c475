package dev.trm.model;

import dev.trm.model.config.ArchConfig;
import dev.trm.model.config.PosEncoding;

/**
 * Every size the graph needs, derived once from the config and the dataset.
 *
 * @param hidden D, the width of every token
 * @param heads attention heads (no GQA: as many key/value heads)
 * @param headDim D / heads
 * @param puzzleEmbNdim width of one puzzle-table row; 0 = no puzzle embedding
 * @param puzzleEmbLen P, prefix slots in front of the grid (0 when there is no puzzle embedding)
 * @param seqLen S, grid cells per example
 * @param totalLen L = P + S
 * @param vocab token ids are in [0, vocab)
 * @param numPuzzleIds rows of the puzzle table
 * @param channelInter SwiGLU inner width of the channel MLP (on D)
 * @param tokenInter SwiGLU inner width of the MLP-mixer's token MLP (on L); 0 for attention
 * @param layers layers of the shared network f
 * @param hCycles T
 * @param lCycles n
 * @param mlpT token mixing by MLP instead of attention
 * @param pos positional encoding
 * @param ropeTheta RoPE base
 * @param rmsNormEps RMSNorm epsilon
 * @param haltMaxSteps N_sup
 */
public record TrmShape(
    int hidden, int heads, int headDim, int puzzleEmbNdim, int puzzleEmbLen, int seqLen, int totalLen,
    int vocab, int numPuzzleIds, int channelInter, int tokenInter, int layers, int hCycles, int lCycles,
    boolean mlpT, PosEncoding pos, float ropeTheta, float rmsNormEps, int haltMaxSteps) {

  /** Derives the shape; throws IllegalArgumentException naming the offending config key. */
  public static TrmShape of(ArchConfig arch, ModelDims dims) {
    int d = arch.getHiddenSize();
    int heads = arch.getNumHeads();
    require(d > 0, "arch.hidden_size must be > 0, got " + d);
    require(heads > 0 && d % heads == 0, "arch.hidden_size " + d + " is not a multiple of arch.num_heads " + heads);
    require(arch.getLLayers() > 0, "arch.l_layers must be > 0, got " + arch.getLLayers());
    require(arch.getHCycles() > 0, "arch.h_cycles must be > 0, got " + arch.getHCycles());
    require(arch.getLCycles() > 0, "arch.l_cycles must be > 0, got " + arch.getLCycles());
    require(arch.getHaltMaxSteps() > 0, "arch.halt_max_steps must be > 0, got " + arch.getHaltMaxSteps());
    require(arch.getExpansion() > 0, "arch.expansion must be > 0, got " + arch.getExpansion());
    PosEncoding pos = arch.getPosEncodings();
    require(pos == PosEncoding.ROPE || pos == PosEncoding.LEARNED || pos == PosEncoding.NONE,
        "arch.pos_encodings must be ROPE, LEARNED or NONE, got " + pos);
    require(pos != PosEncoding.ROPE || (d / heads) % 2 == 0,
        "arch.pos_encodings ROPE needs an even head dimension, got " + d / heads);
    int ndim = arch.getPuzzleEmbNdim();
    require(ndim >= 0, "arch.puzzle_emb_ndim must be >= 0, got " + ndim);
    // Official: puzzle_emb_len 0 falls back to ceil(ndim / D); without a puzzle embedding there is no prefix.
    int p = ndim == 0 ? 0 : arch.getPuzzleEmbLen() == 0 ? ceilDiv(ndim, d) : arch.getPuzzleEmbLen();
    require(p * d >= ndim, "arch.puzzle_emb_ndim " + ndim + " does not fit in arch.puzzle_emb_len " + p
        + " slots of arch.hidden_size " + d);
    int total = p + dims.seqLen();
    boolean mlpT = arch.getMlpT();
    return new TrmShape(d, heads, d / heads, ndim, p, dims.seqLen(), total, dims.vocabSize(),
        dims.numPuzzleIdentifiers(), swigluInter(d, arch.getExpansion()),
        mlpT ? swigluInter(total, arch.getExpansion()) : 0, arch.getLLayers(), arch.getHCycles(),
        arch.getLCycles(), mlpT, pos, arch.getRopeTheta(), arch.getRmsNormEps(), arch.getHaltMaxSteps());
  }

  /**
   * SwiGLU inner width: round(expansion * h * 2/3) rounded up to a multiple of 256 (official {@code _find_multiple}).
   * Python's round() is round-half-to-even, as is {@link Math#rint}.
   */
  public static int swigluInter(int h, float expansion) {
    int target = (int) Math.rint(expansion * h * 2.0 / 3.0);
    return ceilDiv(target, 256) * 256;
  }

  /** Whether the model has a puzzle table and prefix. */
  public boolean hasPuzzleEmbedding() {
    return puzzleEmbNdim > 0;
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
