package dev.trm.bench;

import dev.trm.datasets.Batch;
import dev.trm.model.ActStep;
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
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Inference at the fixed official depth (halt_max_steps ACT steps, EVAL mode) in this process: the model's
 * {@link ActStep} graph run once per ACT step, the carry handed from one run to the next.
 *
 * <p>The carry goes through the host between runs (two [B, L, D] floats: about 3 MB at batch 8, a millisecond
 * against a second of compute per step), which keeps this graph free of variables other than the weights.
 * The weights are random: the cost of a step does not depend on their values.
 */
public final class InProcessInference implements AutoCloseable {
  private final Graph graph;
  private final Session session;
  private final int batchSize;
  private final int seqLen;
  private final int actSteps;
  private final Placeholder<TInt32> inputs;
  private final Placeholder<TInt32> labels;
  private final Placeholder<TInt32> puzzleIds;
  private final List<Operand<?>> carryIn;
  private final List<Operand<?>> carryOut;
  private final Operand<TInt32> predictions;

  private InProcessInference(TrmConfig config, ModelDims dims, int batchSize, ConfigProto sessionConfig) {
    this.graph = new Graph();
    Ops tf = Ops.create(graph);
    TrmModel model = new TrmModel(tf, config.getArch(), dims);
    TrmParams params = TrmParams.createVariables(tf, config.getArch(), dims, config.getTrain().getSeed());
    this.batchSize = batchSize;
    this.seqLen = model.shape().seqLen();
    this.actSteps = model.shape().haltMaxSteps();
    inputs = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(batchSize, seqLen)));
    labels = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(batchSize, seqLen)));
    puzzleIds = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(batchSize)));
    // The first step runs from the all-halted initial carry; later steps are fed the previous step's carry.
    ActStep.Carry initial = ActStep.initialCarry(tf, model.shape(), batchSize);
    ActStep.Carry carry = new ActStep.Carry(fedOr(tf, initial.zH()), fedOr(tf, initial.zL()),
        fedOr(tf, initial.steps()), fedOr(tf, initial.halted()), fedOr(tf, initial.inputs()),
        fedOr(tf, initial.labels()), fedOr(tf, initial.puzzleIds()));
    ActStep.Output out = new ActStep(model).build(params, carry, new ActStep.Batch(inputs, labels, puzzleIds),
        ActStep.Mode.EVAL, null, null);
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
    try (Fed fed = new Fed(batch)) {
      for (int step = 1; step <= actSteps; step++) {
        Session.Runner runner = fed.runner();
        for (int i = 0; previous != null && i < carryIn.size(); i++) {
          runner.feed(carryIn.get(i), previous.get(i));
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
      int[] out = new int[batchSize * seqLen];
      ((TInt32) previous.get(0)).asRawTensor().data().asInts().read(out);
      return out;
    } finally {
      if (previous != null) {
        previous.close();
      }
    }
  }

  /** Runs the first ACT step on {@code batch} once with FULL_TRACE (every later step costs the same). */
  public StepProfile profileFirstStep(Batch batch) {
    try (Fed fed = new Fed(batch)) {
      Session.Runner runner = fed.runner();
      carryOut.forEach(runner::fetch);
      return StepProfile.trace(runner);
    }
  }

  private static <T extends TType> Operand<T> fedOr(Ops tf, Operand<T> initial) {
    return tf.placeholderWithDefault(initial, initial.shape());
  }

  private static List<Operand<?>> fields(ActStep.Carry c) {
    return List.of(c.zH(), c.zL(), c.steps(), c.halted(), c.inputs(), c.labels(), c.puzzleIds());
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }

  /** A batch as fed tensors, closed after its runs. */
  private final class Fed implements AutoCloseable {
    private final TInt32 in;
    private final TInt32 lab;
    private final TInt32 ids;

    Fed(Batch b) {
      if (b.batchSize() != batchSize || b.seqLen() != seqLen) {
        throw new IllegalArgumentException("batch is [" + b.batchSize() + ", " + b.seqLen()
            + "], the inference graph was built for [" + batchSize + ", " + seqLen + "]");
      }
      Shape grid = Shape.of(batchSize, seqLen);
      in = TInt32.tensorOf(grid, DataBuffers.of(b.inputs(), true, false));
      lab = TInt32.tensorOf(grid, DataBuffers.of(b.labels(), true, false));
      ids = TInt32.tensorOf(Shape.of(batchSize), DataBuffers.of(b.puzzleIds(), true, false));
    }

    Session.Runner runner() {
      return session.runner().feed(inputs, in).feed(labels, lab).feed(puzzleIds, ids);
    }

    @Override
    public void close() {
      in.close();
      lab.close();
      ids.close();
    }
  }
}
