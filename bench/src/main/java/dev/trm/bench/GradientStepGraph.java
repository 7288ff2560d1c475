package dev.trm.bench;

import dev.trm.datasets.Batch;
import dev.trm.model.ActStep;
import dev.trm.model.Losses;
import dev.trm.model.ModelDims;
import dev.trm.model.TrmModel;
import dev.trm.model.TrmParams;
import dev.trm.model.config.TrmConfig;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * An experiment, not the trainer: the forward and backward pass of one training ACT step (every slot freshly reset,
 * loss, gradients of all trainable weights and of the puzzle rows), under a session config of our choosing.
 *
 * <p>It exists to try session settings, which {@code TrainStepGraph} keeps to itself. It fetches the global
 * gradient norm ({@link BenchOps#gradientNorm}). The optimizer, EMA and carry updates are left out; the difference
 * to the full step's time is their cost.
 */
public final class GradientStepGraph implements AutoCloseable {
  private final Graph graph;
  private final Session session;
  private final int batchSize;
  private final Placeholder<TInt32> inputs;
  private final Placeholder<TInt32> labels;
  private final Placeholder<TInt32> puzzleIds;
  private final Operand<TFloat32> gradNorm;

  private GradientStepGraph(TrmConfig config, ModelDims dims, int batchSize, ConfigProto sessionConfig) {
    this.graph = new Graph();
    this.batchSize = batchSize;
    Ops tf = Ops.create(graph);
    TrmModel model = new TrmModel(tf, config.getArch(), dims);
    TrmParams params = TrmParams.createVariables(tf, config.getArch(), dims, config.getTrain().getSeed());
    int seqLen = model.shape().seqLen();
    inputs = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(batchSize, seqLen)));
    labels = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(batchSize, seqLen)));
    puzzleIds = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(batchSize)));
    // No slot explores: exploration changes only which slots halt, not the work of the step.
    Operand<TFloat32> noExploration = tf.fill(tf.constant(new int[] {batchSize}), tf.constant(1f));
    Operand<TInt32> minHalt = tf.fill(tf.constant(new int[] {batchSize}), tf.constant(2));
    ActStep.Step out = new ActStep(model).train(params, ActStep.initialCarry(tf, model.shape(), batchSize),
        new ActStep.NewExamples(inputs, labels, puzzleIds), new ActStep.Exploration(noExploration, minHalt));
    Operand<TFloat32> objective = tf.math.mul(Losses.act(tf, config.getArch(), out).total(),
        tf.constant(1f / batchSize));
    List<Operand<?>> wrt = new ArrayList<>(params.trainable().values());
    if (model.shape().hasPuzzleEmbedding()) {
      wrt.add(out.puzzleRows());
    }
    gradNorm = BenchOps.gradientNorm(tf, objective, wrt);
    session = new Session(graph, sessionConfig);
    session.initialize();
  }

  /** Builds the graph and session for {@code batchSize} slots. */
  public static GradientStepGraph create(TrmConfig config, ModelDims dims, int batchSize,
      ConfigProto sessionConfig) {
    return new GradientStepGraph(config, dims, batchSize, sessionConfig);
  }

  /** Runs forward and backward on {@code batch}; returns the global gradient norm. */
  public float run(Batch batch) {
    try (Fed fed = new Fed(batch); Result r = fed.runner().fetch(gradNorm).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }

  /** The batch as fed tensors, closed after the run. */
  private final class Fed implements AutoCloseable {
    private final List<TInt32> tensors;

    Fed(Batch b) {
      if (b.batchSize() != batchSize) {
        throw new IllegalArgumentException("batch has " + b.batchSize() + " rows, the graph " + batchSize);
      }
      Shape grid = Shape.of(b.batchSize(), b.seqLen());
      tensors = Arrays.asList(TInt32.tensorOf(grid, DataBuffers.of(b.inputs(), true, false)),
          TInt32.tensorOf(grid, DataBuffers.of(b.labels(), true, false)),
          TInt32.tensorOf(Shape.of(b.batchSize()), DataBuffers.of(b.puzzleIds(), true, false)));
    }

    Session.Runner runner() {
      return session.runner().feed(inputs, tensors.get(0)).feed(labels, tensors.get(1))
          .feed(puzzleIds, tensors.get(2));
    }

    @Override
    public void close() {
      tensors.forEach(TInt32::close);
    }
  }
}
