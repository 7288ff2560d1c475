package dev.trm.training;

import dev.trm.datasets.PuzzleDataset;
import dev.trm.model.ModelDims;
import dev.trm.model.ParamValues;
import dev.trm.model.TrmModel;
import dev.trm.model.TrmParams;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.EvalConfig;
import dev.trm.model.config.TrmConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * {@code trm evaluate}: one checkpoint's weights (EMA or raw) in an evaluation-only graph, scored on the test split
 * exactly as the trainer scores it.
 */
public final class CheckpointEvaluation {
  private CheckpointEvaluation() {}

  /**
   * Evaluates {@code checkpoint}.
   *
   * @param dataDir the dataset, or null for the one recorded in the checkpoint
   * @param maxExamples overrides {@code eval.max_examples}, or null
   * @param outputDir where evaluator outputs (ARC submission) go
   */
  public static Map<String, Double> run(Path checkpoint, boolean ema, Path dataDir, Long maxExamples, Path outputDir,
      PrintStream out) {
    Checkpoints.Model trained = Checkpoints.readModel(checkpoint, ema);
    TrmConfig config = trained.config();
    ModelDims dims = trained.dims();
    Map<String, WeightTensor> weights = trained.weights();
    Path data = dataDir != null ? dataDir : Checkpoints.readDatasetPath(checkpoint);
    PuzzleDataset test = PuzzleDataset.open(data, "test");
    if (test.metadata().vocabSize() != dims.vocabSize() || test.metadata().seqLen() != dims.seqLen()) {
      throw new IllegalArgumentException("test split " + test.splitDir() + " has vocab " + test.metadata().vocabSize()
          + " and seq_len " + test.metadata().seqLen() + "; the checkpoint needs " + dims);
    }
    EvalConfig evalConfig = maxExamples == null ? config.getEval()
        : config.getEval().toBuilder().setMaxExamples(maxExamples).build();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      TrmModel model = new TrmModel(tf, config.getArch(), dims);
      TrmParams params = TrmParams.createVariables(tf, config.getArch(), dims, 0);
      EvalGraph eval = new EvalGraph(tf, model, params, evalConfig.getBatchSize());
      try (Session session = new Session(g, Sessions.config())) {
        session.initialize();
        load(tf, session, params, weights);
        Evaluator evaluator = new Evaluator(eval, session, test, evalConfig,
            Evaluator.arcEvaluatorFor(evalConfig, data));
        long step = Checkpoints.readState(checkpoint).step();
        return evaluator.evaluate(step, outputDir,
            (done, total) -> out.printf("\revaluating: batch %d/%d", done, total).flush());
      } finally {
        out.println();
      }
    }
  }

  /** Assigns the host weights to the graph's variables (one run). */
  private static void load(Ops tf, Session session, TrmParams params, Map<String, WeightTensor> weights) {
    List<TFloat32> fed = new ArrayList<>();
    try {
      var runner = session.runner();
      for (Map.Entry<String, Variable<TFloat32>> e : params.variables().entrySet()) {
        WeightTensor w = weights.get(e.getKey());
        Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(w.shape())));
        Op assign = tf.assign(e.getValue(), in);
        TFloat32 t = ParamValues.toTensor(w);
        fed.add(t);
        runner.feed(in, t).addTarget(assign);
      }
      runner.run().close();
    } finally {
      fed.forEach(TFloat32::close);
    }
  }
}
