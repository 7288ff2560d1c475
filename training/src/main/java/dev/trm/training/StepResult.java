package dev.trm.training;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The scalars one training step fetches. Loss values are already divided by the global batch size; the metric
 * values are SUMS over the slots that halted this step with a valid label ({@code count} of them).
 *
 * @param step the optimizer step just taken (from 1)
 * @param lr the learning rate it used
 * @param lmLoss LM loss / global batch
 * @param qHaltLoss halting BCE / global batch
 * @param count slots that halted with >= 1 valid label
 * @param accuracy sum of their token accuracies
 * @param exactAccuracy how many were entirely right
 * @param qHaltAccuracy how many had (q_halt >= 0) == entirely right
 * @param steps sum of their ACT step counts
 * @param gradNorm global L2 norm of the gradients (before clipping)
 * @param haltedSlots slots halted after the step (the next step refills them)
 */
public record StepResult(long step, double lr, double lmLoss, double qHaltLoss, double count, double accuracy,
    double exactAccuracy, double qHaltAccuracy, double steps, double gradNorm, int haltedSlots) {
  /** Names of the values a training step fetches (ops under the training graph's {@code step/} scope). */
  static final String LM_LOSS = "lm_loss";
  static final String Q_HALT_LOSS = "q_halt_loss";
  static final String COUNT = "count";
  static final String ACCURACY = "accuracy";
  static final String EXACT_ACCURACY = "exact_accuracy";
  static final String Q_HALT_ACCURACY = "q_halt_accuracy";
  static final String STEPS = "steps";
  static final String GRAD_NORM = "grad_norm";
  static final String HALTED_SLOTS = "halted_slots";

  /** The result of step {@code step} at rate {@code lr} from the fetched values, by the names above. */
  static StepResult of(long step, double lr, Map<String, Double> fetched) {
    return new StepResult(step, lr, fetched.get(LM_LOSS), fetched.get(Q_HALT_LOSS), fetched.get(COUNT),
        fetched.get(ACCURACY), fetched.get(EXACT_ACCURACY), fetched.get(Q_HALT_ACCURACY), fetched.get(STEPS),
        fetched.get(GRAD_NORM), fetched.get(HALTED_SLOTS).intValue());
  }

  /** Whether the losses and the gradient norm are all finite. */
  public boolean finite() {
    return Double.isFinite(lmLoss) && Double.isFinite(qHaltLoss) && Double.isFinite(gradNorm);
  }

  /** The metrics under the official names; sums divided by max(count, 1) as the official trainer does. */
  public Map<String, Double> metrics() {
    double n = Math.max(count, 1);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("train/lm_loss", lmLoss);
    m.put("train/q_halt_loss", qHaltLoss);
    m.put("train/accuracy", accuracy / n);
    m.put("train/exact_accuracy", exactAccuracy / n);
    m.put("train/q_halt_accuracy", qHaltAccuracy / n);
    m.put("train/steps", steps / n);
    m.put("train/count", count);
    m.put("train/lr", lr);
    m.put("train/grad_norm", gradNorm);
    return m;
  }
}
