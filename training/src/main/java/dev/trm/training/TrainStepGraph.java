package dev.trm.training;

import dev.trm.datasets.Batch;
import dev.trm.model.ActStep;
import dev.trm.model.BatchPlaceholders;
import dev.trm.model.BatchTensors;
import dev.trm.model.Losses;
import dev.trm.model.ModelDims;
import dev.trm.model.TrmModel;
import dev.trm.model.TrmParams;
import dev.trm.model.TrmShape;
import dev.trm.model.WeightNames;
import dev.trm.model.config.ArchConfig;
import dev.trm.model.config.OptimizerType;
import dev.trm.model.config.TrainConfig;
import dev.trm.model.config.TrmConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The whole training graph of one config: the carry of B slots in variables, one ACT step in TRAIN mode, the loss
 * over the global batch, gradients of the trainable weights, the main optimizer, the EMA, the puzzle table's sparse
 * SignSGD and the carry update, all run by ONE session call per step that fetches scalars only.
 *
 * <p>Fed each step: the new batch (taken only by halted slots), the exploration draws (from a seeded generator kept
 * here and checkpointed) and the two learning rates (from the schedule). Optionally it also holds the evaluation
 * path ({@link EvalGraph}) on the EMA weights, so one session serves training and evaluation.
 */
public final class TrainStepGraph implements AutoCloseable {
  private static final String CARRY_SCOPE = "carry";

  private final TrmConfig config;
  private final ModelDims dims;
  private final TrmShape shape;
  private final int batchSize;
  private final LrSchedule schedule;
  private final Graph graph;
  private final Session session;
  private final BatchPlaceholders batchIn;
  private final Placeholder<TFloat32> exploreUniform;
  private final Placeholder<TInt32> exploreMinHalt;
  private final Placeholder<TFloat32> lr;
  private final Placeholder<TFloat32> puzzleLr;
  private final Op train;
  private final Op resetCarry;
  private final List<Operand<?>> scalars;
  private final TrmParams params;
  private final Map<String, Variable<TFloat32>> emaShadows;
  private final EvalGraph eval;
  private final VariableSaver saver;
  private long step;
  private SplitMix64 rng;

  private TrainStepGraph(TrmConfig config, ModelDims dims, int batchSize, int evalBatchSize, long totalSteps) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    this.config = config;
    this.dims = dims;
    this.batchSize = batchSize;
    ArchConfig arch = config.getArch();
    TrainConfig t = config.getTrain();
    this.schedule = new LrSchedule(t.getLr(), t.getLrWarmupSteps(), totalSteps, t.getLrMinRatio());
    this.rng = new SplitMix64(t.getSeed() ^ 0x5DEECE66DL);
    this.graph = new Graph();
    Ops tf = Ops.create(graph);
    TrmModel model = new TrmModel(tf, arch, dims);
    this.shape = model.shape();
    this.params = TrmParams.createVariables(tf, arch, dims, t.getSeed());

    Ops in = tf.withSubScope("input");
    int s = shape.seqLen();
    batchIn = BatchPlaceholders.create(in, batchSize, s);
    exploreUniform = in.withName("explore_uniform").placeholder(TFloat32.class, Placeholder.shape(Shape.of(batchSize)));
    exploreMinHalt = in.withName("explore_min_halt").placeholder(TInt32.class, Placeholder.shape(Shape.of(batchSize)));
    lr = in.withName("lr").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    puzzleLr = in.withName("puzzle_emb_lr").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));

    CarryVariables carry = new CarryVariables(tf.withSubScope(CARRY_SCOPE), shape, batchSize);
    ActStep.Step out = new ActStep(model).train(params, carry.read(tf), batchIn.examples(),
        new ActStep.Exploration(exploreUniform, exploreMinHalt));
    Losses.ActLoss loss = Losses.act(tf, arch, out);
    // The official objective: every loss summed over the batch, divided by the global batch size.
    Operand<TFloat32> scale = tf.constant(1f / batchSize);
    Operand<TFloat32> objective = tf.math.mul(loss.total(), scale);

    List<Variable<TFloat32>> trainable = new ArrayList<>(params.trainable().values());
    boolean puzzleTable = shape.hasPuzzleEmbedding();
    List<Operand<?>> wrt = new ArrayList<>(trainable);
    if (puzzleTable) {
      wrt.add(out.puzzleRows());
    }
    List<Operand<TFloat32>> grads = gradients(tf, objective, wrt);
    GradientClipping clipped = GradientClipping.of(tf, grads.subList(0, trainable.size()), t.getGradClipNorm());
    List<Op> updates = new ArrayList<>();
    List<Operand<TFloat32>> newWeights = optimizer(tf, t).apply(trainable, clipped.gradients(), lr);
    updates.addAll(newWeights);
    this.emaShadows = new LinkedHashMap<>();
    if (t.getEmaRate() > 0) {
      Ema ema = new Ema(tf, trainable, t.getEmaRate(), t.getEmaWarmup());
      updates.addAll(ema.update(newWeights));
      List<String> names = new ArrayList<>(params.trainable().keySet());
      for (int i = 0; i < names.size(); i++) {
        emaShadows.put(names.get(i), ema.shadows().get(i));
      }
    }
    if (puzzleTable) {
      updates.add(SignSgd.update(tf, params.variables().get(WeightNames.PUZZLE_EMB), out.current().puzzleIds(),
          grads.get(trainable.size()), puzzleLr, t.getPuzzleEmbWeightDecay()));
    }
    updates.addAll(carry.assign(tf, out.next()));
    train = tf.withControlDependencies(updates).noOp();
    resetCarry = carry.haltAll(tf);
    Operand<TInt32> halted = tf.sum(tf.dtypes.cast(out.next().halted(), TInt32.class), tf.constant(0));
    scalars = List.of(tf.math.mul(loss.lmLoss(), scale), tf.math.mul(loss.qHaltLoss(), scale), loss.count(),
        loss.accuracy(), loss.exactAccuracy(), loss.qHaltAccuracy(), loss.steps(), clipped.norm(), halted);

    // Everything the saver covers must exist before it is built; the eval carry is transient and left out.
    this.eval = evalBatchSize > 0 ? new EvalGraph(tf, model, evaluationWeights(), evalBatchSize) : null;
    this.saver = new VariableSaver(graph, name -> !name.startsWith(EvalGraph.SCOPE + "/"));
    this.session = new Session(graph, Sessions.config());
    session.initialize();
  }

  /** A training graph without an evaluation path (benchmarks, smoke runs); the schedule never decays. */
  public static TrainStepGraph create(TrmConfig config, ModelDims dims, int batchSize) {
    return create(config, dims, batchSize, 0, Long.MAX_VALUE);
  }

  /**
   * The training graph of {@code config}.
   *
   * @param evalBatchSize test batch of the evaluation path, 0 for none
   * @param totalSteps the run's optimizer steps (where a cosine schedule ends)
   */
  public static TrainStepGraph create(TrmConfig config, ModelDims dims, int batchSize, int evalBatchSize,
      long totalSteps) {
    return new TrainStepGraph(config, dims, batchSize, evalBatchSize, totalSteps);
  }

  /**
   * Runs one optimizer step: one ACT step for every slot, halted slots taking their row of {@code batch}.
   *
   * @throws IllegalArgumentException if the batch does not have this graph's shape
   */
  public StepResult step(Batch batch) {
    return step(batch, null);
  }

  /**
   * {@link #step(Batch)}, traced: TensorFlow's step stats of the run (every kernel's time) go to {@code trace}.
   * Tracing slows the run a little; it is for profiles ({@code trm bench --profile}), not for training.
   */
  public StepResult step(Batch batch, Consumer<RunMetadata> trace) {
    if (batch.batchSize() != batchSize || batch.seqLen() != shape.seqLen()) {
      throw new IllegalArgumentException("batch is [" + batch.batchSize() + ", " + batch.seqLen()
          + "], the training graph was built for [" + batchSize + ", " + shape.seqLen() + "]");
    }
    long next = step + 1;
    double rate = schedule.at(next);
    // The puzzle table follows the same warm-up/decay, scaled to its own base rate (official).
    double puzzleRate = rate / config.getTrain().getLr() * config.getTrain().getPuzzleEmbLr();
    ExplorationDraws draws = ExplorationDraws.draw(rng, batchSize, shape.haltMaxSteps());
    try (BatchTensors fed = BatchTensors.of(batch);
        TFloat32 u = TFloat32.vectorOf(draws.uniform());
        TInt32 m = TInt32.vectorOf(draws.minHalt());
        TFloat32 l = TFloat32.scalarOf((float) rate);
        TFloat32 pl = TFloat32.scalarOf((float) puzzleRate)) {
      var runner = batchIn.feed(session.runner(), fed)
          .feed(exploreUniform, u).feed(exploreMinHalt, m).feed(lr, l).feed(puzzleLr, pl).addTarget(train);
      scalars.forEach(runner::fetch);
      if (trace != null) {
        runner.setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
      }
      try (Result r = trace != null ? runner.runAndFetchMetadata() : runner.run()) {
        step = next;
        if (trace != null) {
          trace.accept(r.getMetadata().orElseThrow(
              () -> new IllegalStateException("TensorFlow returned no run metadata for a traced step")));
        }
        double[] v = new double[scalars.size() - 1];
        for (int i = 0; i < v.length; i++) {
          v[i] = ((TFloat32) r.get(i)).getFloat();
        }
        int halted = ((TInt32) r.get(v.length)).getInt();
        return new StepResult(next, rate, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], halted);
      }
    }
  }

  /** Marks every slot halted, so the next step restarts all slots from its batch (the per-batch loop). */
  public void resetCarry() {
    session.run(resetCarry);
  }

  /** Optimizer steps taken so far. */
  public long stepsDone() {
    return step;
  }

  /** The batch size B (slots of the carry). */
  public int batchSize() {
    return batchSize;
  }

  public TrmShape shape() {
    return shape;
  }

  public ModelDims dims() {
    return dims;
  }

  public TrmConfig config() {
    return config;
  }

  /** Whether the graph has EMA shadows (ema_rate > 0). */
  public boolean hasEma() {
    return !emaShadows.isEmpty();
  }

  /** The state of the exploration generator (checkpointed). */
  long rngState() {
    return rng.state();
  }

  EvalGraph eval() {
    if (eval == null) {
      throw new IllegalStateException("this training graph was built without an evaluation path");
    }
    return eval;
  }

  Session session() {
    return session;
  }

  Graph graph() {
    return graph;
  }

  /** Writes every checkpointed variable to the tensor bundle at {@code prefix}. */
  void save(Path prefix) {
    saver.save(session, prefix);
  }

  /** Restores all checkpointed variables and the Java-side state (step, generator). */
  void restore(Path prefix, long stepsDone, long rngState) {
    saver.restore(session, prefix, name -> true);
    this.step = stepsDone;
    this.rng = new SplitMix64(rngState);
  }

  /** Restores only the model's tensors and their EMA shadows (fine-tuning from imported weights). */
  void restoreWeights(Path prefix) {
    saver.restore(session, prefix, name -> params.variables().containsKey(name)
        || name.startsWith(Checkpoints.EMA_PREFIX)
            && emaShadows.containsKey(name.substring(Checkpoints.EMA_PREFIX.length())));
  }

  /** The weights evaluation reads: EMA shadows for the trained tensors when there are any, raw otherwise. */
  private TrmParams evaluationWeights() {
    Ops tf = Ops.create(graph);
    Map<String, Operand<TFloat32>> weights = new LinkedHashMap<>(params.reads());
    emaShadows.forEach((name, shadow) -> weights.put(name, tf.identity(shadow)));
    return TrmParams.of(weights);
  }

  private static AdamOptimizer optimizer(Ops tf, TrainConfig t) {
    return t.getOptimizer() == OptimizerType.ADAM_ATAN2
        ? new AdamAtan2(tf, t.getBeta1(), t.getBeta2(), t.getWeightDecay())
        : new AdamW(tf, t.getBeta1(), t.getBeta2(), t.getAdamEpsilon(), t.getWeightDecay());
  }

  @SuppressWarnings("unchecked") // every differentiated tensor is float32
  private static List<Operand<TFloat32>> gradients(Ops tf, Operand<TFloat32> objective, List<Operand<?>> wrt) {
    List<Operand<TFloat32>> out = new ArrayList<>();
    for (Operand<?> g : tf.gradients(objective, wrt)) {
      out.add((Operand<TFloat32>) g);
    }
    return out;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
