package dev.trm.training;

import org.tensorflow.proto.ConfigProto;

/**
 * The session configuration the project uses for training, evaluation, export and benchmarks.
 *
 * <p>Kept to what measurements on the 2-vCPU target support: XLA and bf16 are slower than fp32 with oneDNN
 *, and thread counts make no difference beyond the noise of a shared machine (main-job step,
 * interleaved runs at load 6-10: intra-op 0/1/2 with one inter-op thread 360/369/305 ms, intra 2 + inter 2 297 ms;
 * inter-op 2 vs 1 over four more rounds 374 vs 366 ms). The training graph orders its updates through data
 * dependencies, so Grappler's defaults (dependency optimisation included) are safe.
 */
public final class Sessions {
  private Sessions() {}

  /** TF's default intra-op pool (one thread per core), one inter-op thread, Grappler defaults. */
  public static ConfigProto config() {
    return ConfigProto.newBuilder()
        // One ACT step is a long chain of dependent ops: a second inter-op thread bought nothing measurable.
        .setInterOpParallelismThreads(1)
        .build();
  }
}
