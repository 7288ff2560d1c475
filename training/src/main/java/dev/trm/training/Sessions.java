package dev.trm.training;

import org.tensorflow.proto.ConfigProto;

/**
 * The session configuration the project uses for training, evaluation, export and benchmarks.
 *
 * <p>Kept to what measurements on the 2-vCPU target support (TF-JAVA-NOTES §2): the VM gives about one core of
 * throughput whatever the thread count, XLA and bf16 are slower than fp32 with oneDNN, and the training graph orders
 * its updates through data dependencies, so Grappler's defaults (dependency optimisation included) are safe.
 */
public final class Sessions {
  private Sessions() {}

  /** The default config: TF's own thread pools and Grappler defaults. */
  public static ConfigProto config() {
    return config(0);
  }

  /** The default config with {@code intraOpThreads} threads per op (0 = one per core). */
  public static ConfigProto config(int intraOpThreads) {
    return ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(intraOpThreads)
        // One ACT step is a long chain of dependent ops: a second inter-op thread only contends for the core.
        .setInterOpParallelismThreads(1)
        .build();
  }
}
