package dev.trm.model.reference;

import dev.trm.model.config.LossType;

/**
 * The official ACT losses and metrics, over all B slots of one step.
 *
 * <p>Losses are sums over the batch (the trainer divides by the global batch): LM = Σ_b mean over b's valid tokens of
 * CE; q_halt = Σ_b BCE(q_halt_b, "every valid token of b is right"), where a slot without valid tokens counts as right;
 * total = LM + 0.5·q_halt. Metrics are sums over the slots that halted on this step and have a valid token.
 */
public final class ReferenceLosses {
  /** Label value that takes no part in loss or accuracy. */
  public static final int IGNORE = -100;

  /**
   * @param predictions argmax per token [B][S]
   */
  public record Result(
      double lmLoss, double qHaltLoss, double total, int count, double accuracy, int exactAccuracy, int qHaltAccuracy,
      int steps, int[][] predictions) {}

  private ReferenceLosses() {}

  /**
   * @param logits [B][S][V]
   * @param labels [B][S], the targets of the step (the current carry's labels)
   * @param qHalt [B]
   * @param halted [B] halted after this step
   * @param steps [B] steps after this step
   */
  public static Result compute(
      LossType type, double[][][] logits, int[][] labels, double[] qHalt, boolean[] halted, int[] steps) {
    double lm = 0;
    double qLoss = 0;
    int count = 0;
    double accuracy = 0;
    int exact = 0;
    int qAccuracy = 0;
    int stepSum = 0;
    int[][] predictions = new int[logits.length][];
    for (int b = 0; b < logits.length; b++) {
      int valid = 0;
      int correct = 0;
      double ce = 0;
      predictions[b] = new int[logits[b].length];
      for (int s = 0; s < logits[b].length; s++) {
        predictions[b][s] = ReferenceMath.argmax(logits[b][s]);
        if (labels[b][s] != IGNORE) {
          valid++;
          ce -= logProb(type, logits[b][s], labels[b][s]);
          correct += predictions[b][s] == labels[b][s] ? 1 : 0;
        }
      }
      lm += ce / Math.max(valid, 1);
      boolean seqCorrect = correct == valid;
      qLoss += bceWithLogits(qHalt[b], seqCorrect ? 1 : 0);
      if (halted[b] && valid > 0) {
        count++;
        accuracy += (double) correct / valid;
        exact += seqCorrect ? 1 : 0;
        qAccuracy += (qHalt[b] >= 0) == seqCorrect ? 1 : 0;
        stepSum += steps[b];
      }
    }
    return new Result(lm, qLoss, lm + 0.5 * qLoss, count, accuracy, exact, qAccuracy, stepSum, predictions);
  }

  /** log p(label) under stablemax (s(x) = x + 1 for x ≥ 0, 1 / (1 − x + 1e-30) below) or softmax. */
  public static double logProb(LossType type, double[] logits, int label) {
    if (label < 0 || label >= logits.length) {
      throw new IllegalArgumentException("label " + label + " outside [0, " + logits.length + ")");
    }
    if (type == LossType.SOFTMAX_CROSS_ENTROPY) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : logits) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (double v : logits) {
        sum += Math.exp(v - max);
      }
      return logits[label] - max - Math.log(sum);
    }
    if (type != LossType.STABLEMAX_CROSS_ENTROPY) {
      throw new IllegalArgumentException("arch.loss_type " + type + " is not a loss");
    }
    double sum = 0;
    for (double v : logits) {
      sum += stablemax(v);
    }
    return Math.log(stablemax(logits[label]) / sum);
  }

  private static double stablemax(double x) {
    return x < 0 ? 1 / (1 - x + 1e-30) : x + 1;
  }

  /** Binary cross-entropy on a logit, in the overflow-free form max(x, 0) − x·t + log(1 + e^−|x|). */
  public static double bceWithLogits(double x, double target) {
    return Math.max(x, 0) - x * target + Math.log1p(Math.exp(-Math.abs(x)));
  }
}
