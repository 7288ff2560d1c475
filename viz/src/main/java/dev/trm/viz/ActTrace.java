package dev.trm.viz;

import java.util.List;

/**
 * One puzzle's way through the ACT steps: its input, its label (null if unknown), the decoded answer and halting
 * logit after each step, and the step at which the halting head stopped (0 if it did not within the steps run).
 * Demonstration pairs (ARC) are drawn before the input; empty for other kinds.
 */
public record ActTrace(int[] input, int[] label, List<Step> steps, int haltStep, List<int[][]> demonstrations) {
  /** The answer y decoded after one ACT step, with its halting logit. */
  public record Step(int[] prediction, float qHalt) {}

  /** The last step's answer: the prediction of the whole run. */
  public int[] prediction() {
    return steps.get(steps.size() - 1).prediction();
  }
}
