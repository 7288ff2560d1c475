package dev.trm.model;

import dev.trm.model.config.ArchConfig;
import dev.trm.model.config.DType;
import dev.trm.model.config.LossType;
import dev.trm.model.config.PosEncoding;

/** Small architectures for tests, and the paper's ones for counts and benchmarks. */
final class TinyConfigs {
  private TinyConfigs() {}

  /** D = 8, 2 heads, 2 layers, T = 2, n = 2, 3 prefix slots, 4 ACT steps at most. */
  static ArchConfig.Builder tiny(boolean mlpT) {
    return ArchConfig.newBuilder()
        .setHiddenSize(8).setNumHeads(2).setExpansion(4).setLLayers(2).setHCycles(2).setLCycles(2)
        .setPosEncodings(mlpT ? PosEncoding.NONE : PosEncoding.ROPE).setRopeTheta(10000).setRmsNormEps(1e-5f)
        .setPuzzleEmbNdim(8).setPuzzleEmbLen(3).setMlpT(mlpT).setForwardDtype(DType.FLOAT32)
        .setHaltMaxSteps(4).setHaltExplorationProb(0.1f).setNoActContinue(true)
        .setLossType(LossType.STABLEMAX_CROSS_ENTROPY);
  }

  static final ModelDims TINY_DIMS = new ModelDims(5, 6, 3);

  /** The official Sudoku architecture, fp32. */
  static ArchConfig.Builder paper(boolean mlpT, int lCycles) {
    return ArchConfig.newBuilder()
        .setHiddenSize(512).setNumHeads(8).setExpansion(4).setLLayers(2).setHCycles(3).setLCycles(lCycles)
        .setPosEncodings(mlpT ? PosEncoding.NONE : PosEncoding.ROPE).setRopeTheta(10000).setRmsNormEps(1e-5f)
        .setPuzzleEmbNdim(512).setPuzzleEmbLen(16).setMlpT(mlpT).setForwardDtype(DType.FLOAT32)
        .setHaltMaxSteps(16).setHaltExplorationProb(0.1f).setNoActContinue(true)
        .setLossType(LossType.STABLEMAX_CROSS_ENTROPY);
  }
}
