package dev.trm.bench;

import dev.trm.model.ModelDims;
import dev.trm.model.config.TrmConfig;
import java.nio.file.Path;

/**
 * What to benchmark and how.
 *
 * @param config the run config (its arch, seed and name are used)
 * @param dims dataset sizes ({@link BenchDims})
 * @param batch examples per step
 * @param mode a training step, or inference at halt_max_steps ACT steps
 * @param warmup untimed runs first
 * @param runs timed runs; the median is reported
 * @param savedModel infer: an exported SavedModel directory to run as well, or null to export a fresh one
 * @param profile also print where one step's time goes, op type by op type
 * @param replicas train: the step data-parallel over this many virtual CPU devices of one process (the batch is
 *     the global batch, split evenly)
 */
public record BenchRequest(TrmConfig config, ModelDims dims, int batch, Mode mode, int warmup, int runs,
    Path savedModel, boolean profile, int replicas) {

  /** What one timed run is. */
  public enum Mode {
    /** One training ACT step: forward, backward, optimizer, EMA, carry update. */
    TRAIN,
    /** halt_max_steps ACT steps without gradient (the official evaluation depth). */
    INFER
  }

  public BenchRequest {
    if (batch < 1) {
      throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
    }
    if (warmup < 0 || runs < 1) {
      throw new IllegalArgumentException("need --warmup >= 0 and --runs >= 1, got " + warmup + " and " + runs);
    }
    if (replicas < 1 || batch % replicas != 0) {
      throw new IllegalArgumentException("--replicas must be >= 1 and divide --batch " + batch + ", got " + replicas);
    }
    if (replicas > 1 && mode != Mode.TRAIN) {
      throw new IllegalArgumentException("--replicas is for --mode train");
    }
  }
}
