package dev.trm.bench;

import dev.trm.datasets.Batch;
import dev.trm.model.ActStep;
import dev.trm.model.BatchPlaceholders;
import dev.trm.model.BatchTensors;
import dev.trm.model.Fetches;
import dev.trm.model.Losses;
import dev.trm.model.ModelDims;
import dev.trm.model.TrmModel;
import dev.trm.model.TrmParams;
import dev.trm.model.config.TrmConfig;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Inference at the fixed official depth (halt_max_steps ACT steps, {@link ActStep#eval}) in this process: the model's
 * {@link ActStep} graph run once per ACT step, the carry handed from one run to the next.
 *
 * <p>The carry goes through the host between runs (two [B, L, D] floats: about 3 MB at batch 8, a millisecond
 * against a second of compute per step), which keeps this graph free of variables other than the weights.
 * The weights are random: the cost of a step does not depend on their values.
 */
public final class InProcessInference implements AutoCloseable {
  private final Graph graph;
  private final Session session;
  private final int actSteps;
  private final BatchPlaceholders batchIn;
  private final List<Operand<?>> carryIn;
  private final List<Operand<?>> carryOut;
  private final Operand<TInt32> predictions;

  private InProcessInference(TrmConfig config, ModelDims dims, int batchSize, ConfigProto sessionConfig) {
    this.graph = new Graph();
    Ops tf = Ops.create(graph);
    TrmModel model = new TrmModel(tf, config.getArch(), dims);
    TrmParams params = TrmParams.createVariables(tf, config.getArch(), dims, config.getTrain().getSeed());
    this.actSteps = model.shape().haltMaxSteps();
    batchIn = BatchPlaceholders.create(tf, batchSize, model.shape().seqLen());
    // The first step runs from the all-halted initial carry; later steps are fed the previous step's carry.
    ActStep.Carry initial = ActStep.initialCarry(tf, model.shape(), batchSize);
    ActStep.Carry carry = new ActStep.Carry(fedOr(tf, initial.y()), fedOr(tf, initial.z()),
        fedOr(tf, initial.steps()), fedOr(tf, initial.halted()), fedOr(tf, initial.inputs()),
        fedOr(tf, initial.labels()), fedOr(tf, initial.puzzleIds()));
    ActStep.Step out = new ActStep(model).eval(params, carry, batchIn.examples());
    carryIn = fields(carry);
    carryOut = fields(out.next());
    predictions = Losses.act(tf, config.getArch(), out).predictions();
    session = new Session(graph, sessionConfig);
    session.initialize();
  }

  /** Builds the graph and session for {@code batchSize} examples. */
  public static InProcessInference create(TrmConfig config, ModelDims dims, int batchSize,
      ConfigProto sessionConfig) {
    return new InProcessInference(config, dims, batchSize, sessionConfig);
  }

  /** ACT steps per {@link #run}. */
  public int actSteps() {
    return actSteps;
  }

  /** Runs {@link #actSteps} ACT steps on {@code batch} from a fresh carry; returns the predictions [B*S]. */
  public int[] run(Batch batch) {
    Result previous = null;
    try (BatchTensors fed = BatchTensors.of(batch)) {
      for (int step = 1; step <= actSteps; step++) {
        Session.Runner runner = batchIn.feed(session.runner(), fed);
        for (int i = 0; previous != null && i < carryIn.size(); i++) {
          runner.feed(carryIn.get(i), Fetches.tensor(previous, carryOut.get(i)));
        }
        if (step < actSteps) {
          carryOut.forEach(runner::fetch);
        } else {
          runner.fetch(predictions);
        }
        Result current = runner.run();
        if (previous != null) {
          previous.close();
        }
        previous = current;
      }
      return Fetches.ints(Fetches.tensor(previous, predictions));
    } finally {
      if (previous != null) {
        previous.close();
      }
    }
  }

  /** Runs the first ACT step on {@code batch} once with FULL_TRACE (every later step costs the same). */
  public StepProfile profileFirstStep(Batch batch) {
    try (BatchTensors fed = BatchTensors.of(batch)) {
      Session.Runner runner = batchIn.feed(session.runner(), fed);
      carryOut.forEach(runner::fetch);
      return StepProfile.trace(runner);
    }
  }

  private static <T extends TType> Operand<T> fedOr(Ops tf, Operand<T> initial) {
    return tf.placeholderWithDefault(initial, initial.shape());
  }

  private static List<Operand<?>> fields(ActStep.Carry c) {
    return List.of(c.y(), c.z(), c.steps(), c.halted(), c.inputs(), c.labels(), c.puzzleIds());
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
