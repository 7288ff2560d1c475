package dev.trm.training;

import dev.trm.datasets.Batch;
import dev.trm.viz.StepAccuracy;

/**
 * Counts, over the test batches of one evaluation, the examples entirely right after each ACT step, and where the
 * halting head would have stopped them: the first step whose halting head says stop ({@code HaltingRule}, computed in
 * the graph), and whether that step's answer was right. Padding rows
 * (no label to score) are not counted, as in the official metrics.
 */
final class StepTally {
  private double count;
  private final double[] correct;
  private double halted;
  private double haltedCorrect;
  private boolean[] scored;
  private int[] haltStep;

  /** A tally of {@code steps} ACT steps per batch. */
  StepTally(int steps) {
    this.correct = new double[steps];
  }

  /** Starts a batch: which of its rows are scored. */
  void startBatch(Batch batch) {
    scored = new boolean[batch.batchSize()];
    haltStep = new int[batch.batchSize()];
    int[] labels = batch.labels();
    for (int i = 0; i < batch.batchSize(); i++) {
      for (int j = 0; j < batch.seqLen() && !scored[i]; j++) {
        scored[i] = labels[i * batch.seqLen() + j] != Batch.IGNORE_LABEL;
      }
      count += scored[i] ? 1 : 0;
    }
  }

  /**
   * Adds ACT step {@code step} (1-based) of the current batch; {@code headSaysHalt[i]} is 1 where slot i's halting
   * head says stop after this step.
   */
  void addStep(int step, Batch batch, int[] predictions, int[] headSaysHalt) {
    int[] labels = batch.labels();
    int s = batch.seqLen();
    for (int i = 0; i < batch.batchSize(); i++) {
      if (!scored[i]) {
        continue;
      }
      boolean right = true;
      for (int j = i * s; j < (i + 1) * s && right; j++) {
        right = labels[j] == Batch.IGNORE_LABEL || labels[j] == predictions[j];
      }
      correct[step - 1] += right ? 1 : 0;
      if (haltStep[i] == 0 && headSaysHalt[i] != 0) {
        haltStep[i] = step;
        halted++;
        haltedCorrect += right ? 1 : 0;
      }
    }
  }

  StepAccuracy result() {
    return new StepAccuracy(count, correct.clone(), halted, haltedCorrect);
  }
}
