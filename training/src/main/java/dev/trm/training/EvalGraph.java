package dev.trm.training;

import dev.trm.datasets.Batch;
import dev.trm.model.ActStep;
import dev.trm.model.BatchPlaceholders;
import dev.trm.model.BatchTensors;
import dev.trm.model.Fetches;
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
 * <p>{@link #run} resets every slot and runs exactly halt_max_steps ACT steps on one test batch; the carry stays on
 * the device and only the last step fetches anything: predictions, q_halt and the metric sums.
 */
final class EvalGraph {
  /** Scope of the evaluation ops and variables; the saver skips it. */
  static final String SCOPE = "eval";

  /**
   * One test batch's outcome after the final ACT step.
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
  private final BatchPlaceholders batch;
  private final Op reset;
  private final Op step;
  private final ActStep.Step out;
  private final Losses.ActLoss loss;

  EvalGraph(Ops tf, TrmModel model, TrmParams weights, int batchSize) {
    Ops e = tf.withSubScope(SCOPE);
    this.batchSize = batchSize;
    this.actSteps = model.shape().haltMaxSteps();
    batch = BatchPlaceholders.create(e, batchSize, model.shape().seqLen());
    CarryVariables carry = new CarryVariables(e.withSubScope("carry"), model.shape(), batchSize);
    out = new ActStep(model).eval(weights, carry.read(tf), batch.examples());
    loss = Losses.act(tf, model.arch(), out);
    reset = carry.haltAll(tf);
    step = tf.withControlDependencies(carry.assign(tf, out.next())).noOp();
  }

  int batchSize() {
    return batchSize;
  }

  /** Evaluates one (padded) test batch with halt_max_steps ACT steps from a fresh carry. */
  Outcome run(Session session, Batch testBatch) {
    try (BatchTensors fed = BatchTensors.of(testBatch)) {
      session.run(reset);
      for (int s = 1; s < actSteps; s++) {
        batch.feed(session.runner(), fed).addTarget(step).run().close();
      }
      var runner = batch.feed(session.runner(), fed).addTarget(step);
      List.of(loss.predictions(), out.qHalt(), loss.lmLoss(), loss.count(), loss.accuracy(), loss.exactAccuracy(),
          loss.qHaltAccuracy(), loss.steps()).forEach(runner::fetch);
      try (Result r = runner.run()) {
        return new Outcome(Fetches.ints(Fetches.tensor(r, loss.predictions())),
            Fetches.floats(Fetches.tensor(r, out.qHalt())), Fetches.scalar(r, loss.lmLoss()), Fetches.scalar(r, loss.count()),
            Fetches.scalar(r, loss.accuracy()), Fetches.scalar(r, loss.exactAccuracy()),
            Fetches.scalar(r, loss.qHaltAccuracy()), Fetches.scalar(r, loss.steps()));
      }
    }
  }
}
