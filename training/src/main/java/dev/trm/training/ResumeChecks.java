package dev.trm.training;

import dev.trm.model.ModelDims;
import dev.trm.model.config.TrmConfig;
import java.nio.file.Path;

/**
 * What is checked before a resumed run builds its graph (which takes most of a minute for the paper configs): the
 * checkpoint fits the config, and an exact resume still has steps and budget left, so that a finished run is not
 * evaluated and its last checkpoint rewritten for nothing.
 */
final class ResumeChecks {
  private ResumeChecks() {}

  /**
   * Throws a {@link CheckpointException} or {@link IllegalArgumentException} saying what does not fit and how to go on.
   *
   * @param totalSteps the run's target in optimizer steps
   * @param budgetSeconds the config's training budget (infinite without one)
   */
  static void beforeBuilding(Path checkpoint, TrmConfig config, ModelDims dims, long totalSteps, double budgetSeconds) {
    TrainingState state = Checkpoints.readState(checkpoint);
    ConfigCompatibility.check(Checkpoints.readConfig(checkpoint), config, Checkpoints.readDims(checkpoint), dims,
        state.weightsOnly(), checkpoint);
    if (state.weightsOnly()) {
      return;  // a fine-tuning run starts at step 0
    }
    if (state.step() >= totalSteps) {
      throw new IllegalArgumentException(checkpoint + " is at step " + state.step() + ", already the target of "
          + totalSteps + " steps: nothing to train. To train further, ask for more steps (--steps N above "
          + state.step() + ", within the config's train.epochs)");
    }
    if (state.trainSeconds() >= budgetSeconds) {
      throw new IllegalArgumentException(String.format("%s has used its whole training budget (%.0f s of "
          + "train.max_train_seconds %.0f): nothing to train. To train further, resume with a --config whose "
          + "max_train_seconds is larger (or 0 for no limit)", checkpoint, state.trainSeconds(), budgetSeconds));
    }
  }
}
