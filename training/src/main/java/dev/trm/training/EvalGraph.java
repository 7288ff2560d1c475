package dev.trm.training;

import dev.trm.datasets.Batch;
import dev.trm.model.ActStep;
import dev.trm.model.BatchPlaceholders;
import dev.trm.model.BatchTensors;
import dev.trm.model.Fetches;
import dev.trm.model.HaltingRule;
import dev.trm.model.Losses;
import dev.trm.model.TrmModel;
import dev.trm.model.TrmParams;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The evaluation path inside the training graph: the same ACT step as {@link ActStep#eval}, reading the weights it is
 * given (the EMA shadows), with its own carry variables ({@code eval/carry/*}, kept out of checkpoints).
 *
 * <p>{@link #run} resets every slot and runs halt_max_steps ACT steps on one test batch (or more, continuing every
 * slot past its cap); the carry stays on the device. Every step fetches its predictions and halting logits for the
 * per-step accuracy; step halt_max_steps also fetches the metric sums of the official evaluation.
 */
final class EvalGraph {
  /** Scope of the evaluation ops and variables; the saver skips it. */
  static final String SCOPE = "eval";

  /**
   * One test batch's outcome after ACT step halt_max_steps.
   *
   * @param predictions argmax tokens [B*S], row-major
   * @param qHalt halting logits [B]
   * @param lmLoss sum over slots of the per-sequence mean CE
   * @param count slots with >= 1 valid label (padding rows have none)
   * @param accuracy sum of token accuracies
   * @param exactAccuracy slots entirely right
   * @param qHaltAccuracy slots with (q_halt >= 0) == entirely right
   * @param steps sum of ACT steps
   */
  record Outcome(int[] predictions, float[] qHalt, double lmLoss, double count, double accuracy,
      double exactAccuracy, double qHaltAccuracy, double steps) {}

  private final int batchSize;
  private final int actSteps;
  private final Operand<TInt32> headSaysHalt;
  private final BatchPlaceholders placeholders;
  private final Op reset;
  private final Op keepGoing;
  private final Op step;
  private final ActStep.Step out;
  private final Losses.ActLoss loss;
  private final int seqLen;

  EvalGraph(Ops tf, TrmModel model, TrmParams weights, int batchSize) {
    Ops e = tf.withSubScope(SCOPE);
    this.batchSize = batchSize;
    this.actSteps = model.shape().haltMaxSteps();
    this.seqLen = model.shape().seqLen();
    placeholders = BatchPlaceholders.create(e, batchSize, seqLen);
    CarryVariables carry = new CarryVariables(e.withSubScope("carry"), model.shape(), batchSize);
    out = new ActStep(model).eval(weights, carry.read(tf), placeholders.examples());
    loss = Losses.act(tf, model.arch(), out);
    headSaysHalt = tf.dtypes.cast(new HaltingRule(tf, model.arch()).headSaysHalt(out.qHalt(), out.qContinue()),
        TInt32.class);
    reset = carry.haltAll(tf);
    keepGoing = carry.haltNone(tf);
    step = tf.withControlDependencies(carry.assign(tf, out.next())).noOp();
  }

  int batchSize() {
    return batchSize;
  }

  int actSteps() {
    return actSteps;
  }

  /**
   * Evaluates one (padded) test batch from a fresh carry: the official metrics after halt_max_steps ACT steps, and
   * each of {@code steps} (at least halt_max_steps) steps' predictions added to {@code tally}.
   */
  Outcome run(Session session, Batch batch, int steps, StepTally tally) {
    if (batch.batchSize() != batchSize || batch.seqLen() != seqLen) {
      throw new IllegalArgumentException("eval batch is [" + batch.batchSize() + ", " + batch.seqLen()
          + "], the graph was built for [" + batchSize + ", " + seqLen + "]");
    }
    session.run(reset);
    tally.startBatch(batch);
    Outcome outcome = null;
    try (BatchTensors fed = BatchTensors.of(batch)) {
      for (int s = 1; s <= Math.max(steps, actSteps); s++) {
        if (s > actSteps) {
          session.run(keepGoing);  // the step cap halted every slot; continue them instead of restarting
        }
        var runner = placeholders.feed(session.runner(), fed).addTarget(step);
        List.of(loss.predictions(), out.qHalt(), headSaysHalt).forEach(runner::fetch);
        if (s == actSteps) {
          List.of(loss.lmLoss(), loss.count(), loss.accuracy(), loss.exactAccuracy(), loss.qHaltAccuracy(),
              loss.steps()).forEach(runner::fetch);
        }
        try (Result r = runner.run()) {
          int[] predictions = Fetches.ints(Fetches.tensor(r, loss.predictions()));
          float[] qHalt = Fetches.floats(Fetches.tensor(r, out.qHalt()));
          tally.addStep(s, batch, predictions, Fetches.ints(Fetches.tensor(r, headSaysHalt)));
          if (s == actSteps) {
            outcome = new Outcome(predictions, qHalt, Fetches.scalar(r, loss.lmLoss()), Fetches.scalar(r, loss.count()),
                Fetches.scalar(r, loss.accuracy()), Fetches.scalar(r, loss.exactAccuracy()),
                Fetches.scalar(r, loss.qHaltAccuracy()), Fetches.scalar(r, loss.steps()));
          }
        }
      }
    }
    return outcome;
  }
}
