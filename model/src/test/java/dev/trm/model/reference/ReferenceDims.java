package dev.trm.model.reference;

import dev.trm.model.ModelDims;
import dev.trm.model.config.ArchConfig;

/**
 * The sizes the reference derives from a config and a dataset, worked out here independently of
 * the graph's own derivation so that the two can disagree.
 *
 * @param arch the architecture
 * @param data vocabulary, grid length and puzzle-table rows
 * @param hidden D
 * @param headDim D / heads
 * @param prefixLen P: puzzle_emb_len, or ceil(ndim / D) when that is 0, and no prefix at all when ndim is 0
 * @param totalLen L = P + S
 * @param channelInter SwiGLU width of the channel MLP (input D)
 * @param tokenInter SwiGLU width of the token mixer (input L)
 */
public record ReferenceDims(
    ArchConfig arch, ModelDims data, int hidden, int headDim, int prefixLen, int totalLen, int channelInter,
    int tokenInter) {

  /** Derives every size; a config the official code could not run is refused with the key at fault. */
  public static ReferenceDims of(ArchConfig arch, ModelDims data) {
    int d = arch.getHiddenSize();
    if (d <= 0 || arch.getNumHeads() <= 0 || d % arch.getNumHeads() != 0) {
      throw new IllegalArgumentException(
          "arch.hidden_size " + d + " must be a positive multiple of arch.num_heads " + arch.getNumHeads());
    }
    int ndim = arch.getPuzzleEmbNdim();
    int prefix = ndim == 0 ? 0 : arch.getPuzzleEmbLen() == 0 ? ceilDiv(ndim, d) : arch.getPuzzleEmbLen();
    if (prefix * d < ndim) {
      throw new IllegalArgumentException("arch.puzzle_emb_len " + prefix + " slots of " + d
          + " cannot hold arch.puzzle_emb_ndim " + ndim);
    }
    int total = prefix + data.seqLen();
    return new ReferenceDims(arch, data, d, d / arch.getNumHeads(), prefix, total,
        swigluInter(d, arch.getExpansion()), swigluInter(total, arch.getExpansion()));
  }

  /** The official width rule: round(expansion * width * 2/3) half-to-even, then up to a multiple of 256. */
  public static int swigluInter(int width, double expansion) {
    int rounded = (int) Math.rint(expansion * width * 2 / 3);
    return ceilDiv(rounded, 256) * 256;
  }

  public int heads() {
    return arch.getNumHeads();
  }

  public int seqLen() {
    return data.seqLen();
  }

  public int vocab() {
    return data.vocabSize();
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }
}
