package dev.trm.training;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.trm.datasets.SamplerState;
import java.util.Map;

/**
 * {@code state.json} of a checkpoint: everything outside the TF variables that a resumed run needs to continue
 * exactly where this one stopped.
 *
 * @param format {@link #FORMAT}; anything else is refused
 * @param step optimizer steps taken
 * @param totalSteps the run's planned optimizer steps
 * @param sampler the training sampler's position (null in a weights-only checkpoint)
 * @param explorationRng the state of the exploration generator
 * @param ema whether the checkpoint holds EMA shadows ({@code ema/<name>}) of the trained tensors
 * @param weightsOnly true for imported weights: no optimizer state, carry or sampler
 * @param trainSeconds wall-clock seconds spent training so far (for {@code max_train_seconds} across resumes)
 * @param eval the evaluation metrics at this step (empty if none ran), used to keep the best checkpoint
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TrainingState(
    @JsonProperty("format") String format,
    @JsonProperty("step") long step,
    @JsonProperty("total_steps") long totalSteps,
    @JsonProperty("sampler") SamplerState sampler,
    @JsonProperty("exploration_rng") long explorationRng,
    @JsonProperty("ema") boolean ema,
    @JsonProperty("weights_only") boolean weightsOnly,
    @JsonProperty("train_seconds") double trainSeconds,
    @JsonProperty("eval") Map<String, Double> eval) {

  /** The checkpoint format this code writes and reads. */
  public static final String FORMAT = "trm-java-checkpoint/1";

  public TrainingState {
    eval = eval == null ? Map.of() : Map.copyOf(eval);
  }

  /** eval/exact_accuracy of this checkpoint, or -1 if it was not evaluated. */
  double exactAccuracy() {
    return eval.getOrDefault(Evaluator.EXACT_ACCURACY, -1.0);
  }
}
