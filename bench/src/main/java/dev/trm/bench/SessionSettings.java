package dev.trm.bench;

import dev.trm.training.Sessions;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.proto.RewriterConfig;

/**
 * Session configurations to compare against the project's default ({@link Sessions#config()}), one knob at a time.
 * oneDNN itself is not a session setting: it is switched off per process with {@code TF_ENABLE_ONEDNN_OPTS=0}.
 */
public enum SessionSettings {
  /** The project's config. */
  DEFAULT,
  /** One intra-op thread. */
  INTRA_1,
  /** Two intra-op threads (the VM's vCPU count). */
  INTRA_2,
  /** Two inter-op threads: independent ops (e.g. weight and input gradients) may overlap. */
  INTER_2,
  /** XLA auto-clustering on the CPU. */
  XLA,
  /** Grappler's remapper off (no fused MatMul/Swish kernels). */
  NO_REMAPPER,
  /** Grappler off entirely. */
  NO_GRAPPLER,
  /** Grappler's automatic bfloat16 rewrite for oneDNN (AMX on this CPU); changes the numerics. */
  AMP_BF16,
  /**
   * For a GPU (unverified, no GPU here): memory growth instead of reserving all GPU memory up front, per-op
   * placement logged, ops without a GPU kernel placed on the CPU.
   */
  GPU;

  /** The session config of this setting. */
  public ConfigProto config() {
    ConfigProto base = Sessions.config();
    return switch (this) {
      case DEFAULT -> base;
      case INTRA_1 -> base.toBuilder().setIntraOpParallelismThreads(1).build();
      case INTRA_2 -> base.toBuilder().setIntraOpParallelismThreads(2).build();
      case INTER_2 -> base.toBuilder().setInterOpParallelismThreads(2).build();
      case XLA -> withGraphOptions(base, GraphOptions.newBuilder().setOptimizerOptions(OptimizerOptions.newBuilder()
          .setGlobalJitLevel(OptimizerOptions.GlobalJitLevel.ON_1).setCpuGlobalJit(true)).build());
      case NO_REMAPPER -> withRewrites(base, RewriterConfig.newBuilder().setRemapping(RewriterConfig.Toggle.OFF));
      case NO_GRAPPLER -> withRewrites(base, RewriterConfig.newBuilder().setDisableMetaOptimizer(true));
      case AMP_BF16 -> withRewrites(base,
          RewriterConfig.newBuilder().setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON));
      case GPU -> base.toBuilder().setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true))
          .setLogDevicePlacement(true).setAllowSoftPlacement(true).build();
    };
  }

  private static ConfigProto withRewrites(ConfigProto base, RewriterConfig.Builder rewrites) {
    return withGraphOptions(base, base.getGraphOptions().toBuilder().setRewriteOptions(rewrites).build());
  }

  private static ConfigProto withGraphOptions(ConfigProto base, GraphOptions options) {
    return base.toBuilder().setGraphOptions(options).build();
  }
}
