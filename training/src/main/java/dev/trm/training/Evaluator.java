package dev.trm.training;

import dev.trm.datasets.Batch;
import dev.trm.datasets.PuzzleDataset;
import dev.trm.datasets.TestIterator;
import dev.trm.datasets.arc.ArcEvaluator;
import dev.trm.model.config.EvalConfig;
import dev.trm.viz.StepAccuracy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Session;

/**
 * Evaluates the EMA weights on the test split: every test batch starts from a fresh carry and runs
 * exactly halt_max_steps ACT steps; the metrics of the final step are summed over the split and divided by the
 * number of scored examples, as the official {@code evaluate} does. The exact accuracy after every step, and how the
 * halting head would have stopped, are added as {@link StepAccuracy} metrics. With {@code eval.evaluators: "arc"}
 * the ARC evaluator votes over the predictions and writes {@code evaluator_ARC_step_<N>/submission.json}.
 */
public final class Evaluator {
  public static final String EXACT_ACCURACY = "eval/exact_accuracy";

  private final EvalGraph eval;
  private final Session session;
  private final PuzzleDataset test;
  private final EvalConfig config;
  private final ArcEvaluator arc;

  /**
   * @param eval the evaluation path, run in {@code session}
   * @param arc the ARC evaluator, or null when {@code eval.evaluators} has no "arc"
   */
  Evaluator(EvalGraph eval, Session session, PuzzleDataset test, EvalConfig config, ArcEvaluator arc) {
    this.eval = eval;
    this.session = session;
    this.test = test;
    this.config = config;
    this.arc = arc;
  }

  /** Opens the ARC evaluator of {@code datasetDir} if {@code config} asks for it, else returns null. */
  public static ArcEvaluator arcEvaluatorFor(EvalConfig config, Path datasetDir) {
    return config.getEvaluatorsList().contains("arc") ? ArcEvaluator.open(datasetDir) : null;
  }

  /**
   * Evaluates the current weights.
   *
   * @param step the training step (names the ARC submission directory)
   * @param outputDir where {@code evaluator_ARC_step_<N>/} goes
   * @param progress called after each test batch with (batches done, batches in all)
   * @return {@code eval/*} metrics, plus {@code ARC/pass@K} with the ARC evaluator
   */
  public Map<String, Double> evaluate(long step, Path outputDir, BatchProgress progress) {
    return evaluate(step, outputDir, progress, eval.actSteps());
  }

  /**
   * As {@link #evaluate(long, Path, BatchProgress)}, with the per-step accuracy recorded for {@code actSteps} ACT steps
   * (more than halt_max_steps continues every example past the trained depth; the official metrics stay those of
   * step halt_max_steps).
   */
  public Map<String, Double> evaluate(long step, Path outputDir, BatchProgress progress, int actSteps) {
    StepTally tally = new StepTally(Math.max(actSteps, eval.actSteps()));
    TestIterator batches = new TestIterator(test, eval.batchSize(), config.getMaxExamples());
    if (arc != null && !config.getAggregatedVoting()) {
      arc.reset();
    }
    double lmLoss = 0;
    double count = 0;
    double accuracy = 0;
    double exact = 0;
    double qHalt = 0;
    double steps = 0;
    long done = 0;
    while (batches.hasNext()) {
      Batch batch = batches.next();
      EvalGraph.Outcome o = eval.run(session, batch, actSteps, tally);
      lmLoss += o.lmLoss();
      count += o.count();
      accuracy += o.accuracy();
      exact += o.exactAccuracy();
      qHalt += o.qHaltAccuracy();
      steps += o.steps();
      if (arc != null) {
        arc.add(batch, o.predictions(), o.qHalt());
      }
      progress.update(++done, batches.numBatches());
    }
    double n = Math.max(count, 1);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(EXACT_ACCURACY, exact / n);
    m.put("eval/accuracy", accuracy / n);
    m.put("eval/q_halt_accuracy", qHalt / n);
    m.put("eval/steps", steps / n);
    m.put("eval/lm_loss", lmLoss / n);
    m.put(StepAccuracy.COUNT, count);
    m.putAll(tally.result().metrics());
    if (arc != null) {
      m.putAll(arc.metrics());
      arc.writeSubmission(outputDir.resolve("evaluator_ARC_step_" + step).resolve("submission.json"));
    }
    return m;
  }

  /** Receives evaluation progress, batch by batch. */
  @FunctionalInterface
  public interface BatchProgress {
    void update(long batchesDone, long batchesTotal);
  }
}
