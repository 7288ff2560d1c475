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
import dev.trm.model.ModelTensors;
import dev.trm.model.config.OptimizerType;
import dev.trm.model.config.TrainConfig;
import dev.trm.model.config.TrmConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.Output;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * The whole training graph of one config: the carry of B slots in variables, one ACT step in TRAIN mode, the loss
 * over the global batch, gradients of the trainable weights, the main optimizer, the EMA, the puzzle table's sparse
 * SignSGD and the carry update, all run by ONE session call per step that fetches scalars only.
 *
 * <p>Fed each step: the new batch (taken only by halted slots), the exploration draws (from a seeded generator kept
 * here and checkpointed) and the two learning rates (from the schedule). Optionally it also holds the evaluation
 * path ({@link EvalGraph}) on the EMA weights, so one session serves training and evaluation.
 *
 * <p>With several {@link Replicas} the step is data-parallel in one graph: the global batch, the exploration draws
 * and the slots are split evenly, each replica runs its own tower (ACT step on its slice, its own carry, loss and
 * gradients) on its device, and the chief sums the towers' gradients (each loss is already divided by the GLOBAL
 * batch, so the sum is the single-device gradient), concatenates their puzzle ids and row gradients into one
 * SignSGD update, and applies the optimizer and the EMA once. One replica builds exactly the unreplicated graph.
 */
public final class TrainStepGraph implements AutoCloseable {
  private static final String CARRY_SCOPE = "carry";
  private static final String INPUT_SCOPE = "input";
  private static final String RESULT_SCOPE = "step";
  private static final String TRAIN_OP = "train";
  private static final String RESET_OP = "reset_carry";
  private static final String EXPLORE_UNIFORM = "explore_uniform";
  private static final String EXPLORE_MIN_HALT = "explore_min_halt";
  private static final String LR = "lr";
  private static final String PUZZLE_LR = "puzzle_emb_lr";

  /** The scalars a step fetches, by the name of their op under {@code step/}. */
  private static final List<String> RESULTS = List.of(StepResult.LM_LOSS, StepResult.Q_HALT_LOSS, StepResult.COUNT,
      StepResult.ACCURACY, StepResult.EXACT_ACCURACY, StepResult.Q_HALT_ACCURACY, StepResult.STEPS,
      StepResult.GRAD_NORM, StepResult.HALTED_SLOTS);

  private final TrmConfig config;
  private final ModelDims dims;
  private final TrmShape shape;
  private final int batchSize;
  private final Replicas replicas;
  private final LrSchedule schedule;
  private final Graph graph;
  private final Session session;
  private final BatchPlaceholders batchIn;
  private final TrmParams params;
  private final Map<String, Variable<TFloat32>> emaShadows;
  private final EvalGraph eval;
  private final VariableSaver saver;
  private long step;
  /** The step count when this session started (its first step may take longer: graph setup on every task). */
  private long firstStep;
  private SplitMix64 rng;

  private TrainStepGraph(TrmConfig config, ModelDims dims, int batchSize, int evalBatchSize, long totalSteps,
      Replicas replicas, ConfigProto sessionConfig) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    if (batchSize % replicas.count() != 0) {
      throw new IllegalArgumentException("global_batch_size " + batchSize + " does not divide evenly over "
          + replicas.count() + " replicas");
    }
    this.config = config;
    this.dims = dims;
    this.batchSize = batchSize;
    this.replicas = replicas;
    TrainConfig t = config.getTrain();
    this.schedule = new LrSchedule(t.getLr(), t.getLrWarmupSteps(), totalSteps, t.getLrMinRatio());
    this.rng = new SplitMix64(t.getSeed() ^ 0x5DEECE66DL);
    Graph built = new Graph();
    Ops tf = Ops.create(built);
    this.shape = new TrmModel(tf, config.getArch(), dims).shape();
    this.params = TrmParams.createVariables(tf, config.getArch(), dims, t.getSeed());
    this.emaShadows = new LinkedHashMap<>();
    BatchPlaceholders builtBatch = buildTraining(tf);
    this.graph = replicas.isSingle() ? built : replicas.place(built);
    this.batchIn = replicas.isSingle() ? builtBatch : builtBatch.in(graph);
    // Everything the saver covers must exist before it is built; the eval carry is transient and left out.
    Ops runtime = Ops.create(graph);
    this.eval = evalBatchSize > 0
        ? new EvalGraph(runtime, new TrmModel(runtime, config.getArch(), dims), evaluationWeights(), evalBatchSize)
        : null;
    this.saver = new VariableSaver(graph, name -> !name.startsWith(EvalGraph.SCOPE + "/"));
    if (graph != built) {
      built.close(); // only op names of the built graph are used from here on
    }
    this.session = replicas.openSession(graph, sessionConfig);
    session.initialize();
  }

  /**
   * The feeds, the towers, the combined update and the named results; returns the batch placeholders (the other
   * ops are found by name afterwards).
   */
  private BatchPlaceholders buildTraining(Ops tf) {
    Ops in = tf.withSubScope(INPUT_SCOPE);
    BatchPlaceholders batch = BatchPlaceholders.create(in, batchSize, shape.seqLen());
    List<Operand<TInt32>> inputs = split(tf, batch.inputs());
    List<Operand<TInt32>> labels = split(tf, batch.labels());
    List<Operand<TInt32>> ids = split(tf, batch.puzzleIds());
    List<Operand<TFloat32>> uniform = split(tf, in.withName(EXPLORE_UNIFORM).placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(batchSize))));
    List<Operand<TInt32>> minHalt = split(tf, in.withName(EXPLORE_MIN_HALT).placeholder(TInt32.class,
        Placeholder.shape(Shape.of(batchSize))));
    Placeholder<TFloat32> lr = in.withName(LR).placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    Placeholder<TFloat32> puzzleLr = in.withName(PUZZLE_LR).placeholder(TFloat32.class,
        Placeholder.shape(Shape.scalar()));

    List<Tower> towers = new ArrayList<>();
    for (int r = 0; r < replicas.count(); r++) {
      towers.add(new Tower(replicas.isSingle() ? tf : tf.withSubScope(Replicas.scope(r)),
          new ActStep.NewExamples(inputs.get(r), labels.get(r), ids.get(r)),
          new ActStep.Exploration(uniform.get(r), minHalt.get(r))));
    }
    List<Op> updates = new ArrayList<>(updates(tf, towers, lr, puzzleLr));
    List<Op> resets = new ArrayList<>();
    for (Tower tower : towers) {
      updates.addAll(tower.carryUpdate);
      resets.add(tower.reset);
    }
    tf.withName(TRAIN_OP).withControlDependencies(updates).noOp();
    tf.withName(RESET_OP).withControlDependencies(resets).noOp();
    return batch;
  }

  /**
   * One replica's share of the step: the ACT step on its slice of the batch with its own carry, its part of the
   * objective (summed losses over the GLOBAL batch size, as the official code scales them) and its gradients.
   */
  private final class Tower {
    final ActStep.Step out;
    final Losses.ActLoss loss;
    final Operand<TFloat32> scale;
    /** Gradients w.r.t. the trainable weights (spec order), then w.r.t. the gathered puzzle rows if any. */
    final List<Operand<TFloat32>> grads;
    final List<Op> carryUpdate;
    final Op reset;

    Tower(Ops tf, ActStep.NewExamples examples, ActStep.Exploration exploration) {
      TrmModel model = new TrmModel(tf, config.getArch(), dims);
      TrmParams weights = replicas.isSingle() ? params : localReads(tf);
      CarryVariables carry = new CarryVariables(tf.withSubScope(CARRY_SCOPE), shape, batchSize / replicas.count());
      out = new ActStep(model).train(weights, carry.read(tf), examples, exploration);
      loss = Losses.act(tf, config.getArch(), out);
      scale = tf.constant(1f / batchSize);
      List<Operand<?>> wrt = new ArrayList<>();
      params.trainable().keySet().forEach(name -> wrt.add(replicas.isSingle() ? params.trainable().get(name)
          : weights.get(name)));
      if (shape.hasPuzzleEmbedding()) {
        wrt.add(out.puzzleRows());
      }
      grads = gradients(tf, tf.math.mul(loss.total(), scale), wrt);
      carryUpdate = carry.assign(tf, out.next());
      reset = carry.haltAll(tf);
    }

    /** The replica's own reads of every weight, so its forward and backward pass run on its device. */
    private TrmParams localReads(Ops tf) {
      Map<String, Operand<TFloat32>> reads = new LinkedHashMap<>();
      params.variables().forEach((name, variable) -> reads.put(name, tf.identity(variable)));
      return TrmParams.of(reads);
    }
  }

  /** The chief's part: summed gradients, clipping, optimizer, EMA, SignSGD, and the named step results. */
  private List<Op> updates(Ops tf, List<Tower> towers, Operand<TFloat32> lr, Operand<TFloat32> puzzleLr) {
    TrainConfig t = config.getTrain();
    List<Variable<TFloat32>> trainable = new ArrayList<>(params.trainable().values());
    List<Operand<TFloat32>> grads = new ArrayList<>();
    for (int i = 0; i < trainable.size(); i++) {
      int index = i;
      grads.add(sum(tf, towers.stream().map(w -> w.grads.get(index)).toList()));
    }
    GradientClipping clipped = GradientClipping.of(tf, grads, t.getGradClipNorm());
    List<Op> updates = new ArrayList<>();
    List<Operand<TFloat32>> newWeights = optimizer(tf, t).apply(trainable, clipped.gradients(), lr);
    updates.addAll(newWeights);
    if (t.getEmaRate() > 0) {
      Ema ema = new Ema(tf, trainable, t.getEmaRate(), t.getEmaWarmup());
      updates.addAll(ema.update(newWeights));
      List<String> names = new ArrayList<>(params.trainable().keySet());
      for (int i = 0; i < names.size(); i++) {
        emaShadows.put(names.get(i), ema.shadows().get(i));
      }
    }
    if (shape.hasPuzzleEmbedding()) {
      // Every replica's rows in one sparse update, as the official code all-gathers ids and row gradients.
      updates.add(SignSgd.update(tf, params.variables().get(ModelTensors.PUZZLE_EMB),
          concat(tf, towers.stream().map(w -> w.out.current().puzzleIds()).toList()),
          concat(tf, towers.stream().map(w -> w.grads.get(trainable.size())).toList()), puzzleLr,
          t.getPuzzleEmbWeightDecay()));
    }
    Ops named = tf.withSubScope(RESULT_SCOPE);
    named.withName(StepResult.LM_LOSS).identity(sumOver(tf, towers, w -> tf.math.mul(w.loss.lmLoss(), w.scale)));
    named.withName(StepResult.Q_HALT_LOSS).identity(
        sumOver(tf, towers, w -> tf.math.mul(w.loss.qHaltLoss(), w.scale)));
    named.withName(StepResult.COUNT).identity(sumOver(tf, towers, w -> w.loss.count()));
    named.withName(StepResult.ACCURACY).identity(sumOver(tf, towers, w -> w.loss.accuracy()));
    named.withName(StepResult.EXACT_ACCURACY).identity(sumOver(tf, towers, w -> w.loss.exactAccuracy()));
    named.withName(StepResult.Q_HALT_ACCURACY).identity(sumOver(tf, towers, w -> w.loss.qHaltAccuracy()));
    named.withName(StepResult.STEPS).identity(sumOver(tf, towers, w -> w.loss.steps()));
    named.withName(StepResult.GRAD_NORM).identity(clipped.norm());
    named.withName(StepResult.HALTED_SLOTS).identity(sumOver(tf, towers,
        w -> tf.sum(tf.dtypes.cast(w.out.next().halted(), TInt32.class), tf.constant(0))));
    return updates;
  }

  /** A training graph without an evaluation path (benchmarks, smoke runs); the schedule never decays. */
  public static TrainStepGraph create(TrmConfig config, ModelDims dims, int batchSize) {
    return create(config, dims, batchSize, 0, Long.MAX_VALUE);
  }

  /**
   * The training graph of {@code config} on one device with the project's session settings.
   *
   * @param evalBatchSize test batch of the evaluation path, 0 for none
   * @param totalSteps the run's optimizer steps (where a cosine schedule ends)
   */
  public static TrainStepGraph create(TrmConfig config, ModelDims dims, int batchSize, int evalBatchSize,
      long totalSteps) {
    return create(config, dims, batchSize, evalBatchSize, totalSteps, Replicas.single(), Sessions.config());
  }

  /**
   * The training graph of {@code config}, replicated over {@code replicas}, run with {@code sessionConfig}.
   *
   * @throws IllegalArgumentException if {@code batchSize} does not divide evenly over the replicas
   */
  public static TrainStepGraph create(TrmConfig config, ModelDims dims, int batchSize, int evalBatchSize,
      long totalSteps, Replicas replicas, ConfigProto sessionConfig) {
    return new TrainStepGraph(config, dims, batchSize, evalBatchSize, totalSteps, replicas, sessionConfig);
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
      var runner = batchIn.feed(session.runner(), fed).feed(input(EXPLORE_UNIFORM), u)
          .feed(input(EXPLORE_MIN_HALT), m).feed(input(LR), l).feed(input(PUZZLE_LR), pl).addTarget(TRAIN_OP);
      RESULTS.forEach(name -> runner.fetch(RESULT_SCOPE + "/" + name));
      RunOptions options = step > firstStep ? replicas.stepOptions() : RunOptions.getDefaultInstance();
      if (trace != null) {
        options = options.toBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
      }
      if (!options.equals(RunOptions.getDefaultInstance())) {
        runner.setOptions(options);
      }
      try (Result r = run(runner, trace != null)) {
        step = next;
        if (trace != null) {
          trace.accept(r.getMetadata().orElseThrow(
              () -> new IllegalStateException("TensorFlow returned no run metadata for a traced step")));
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (String name : RESULTS) {
          Tensor v = r.get(RESULT_SCOPE + "/" + name).orElseThrow();
          values.put(name, v instanceof TInt32 i ? (double) i.getInt() : (double) ((TFloat32) v).getFloat());
        }
        return StepResult.of(next, rate, values);
      }
    }
  }

  /**
   * Runs the step. On a cluster a lost or silent task fails the step (after the cluster timeout at the latest);
   * that becomes one line naming what TensorFlow reports, the task included.
   */
  private Result run(Session.Runner runner, boolean traced) {
    try {
      return traced ? runner.runAndFetchMetadata() : runner.run();
    } catch (TensorFlowException e) {
      if (replicas.isLocal()) {
        throw e;
      }
      List<String> lost = replicas.unreachableTasks();
      throw new IllegalStateException("training step " + (step + 1) + " failed on the cluster"
          + (lost.isEmpty() ? "" : ": lost " + String.join(", ", lost)) + " (TensorFlow: "
          + VariableSaver.firstLine(e.getMessage()) + "); nothing of the step was saved: restart the task and "
          + "resume from the last checkpoint", e);
    }
  }

  /** Marks every slot halted, so the next step restarts all slots from its batch (the per-batch loop). */
  public void resetCarry() {
    session.run(RESET_OP);
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

  /**
   * Restores all checkpointed variables and the Java-side state (step, generator). The ACT carries are restored
   * only if the checkpoint has them for this layout of replicas; otherwise every slot restarts from the next batch.
   *
   * @return whether the carries were restored
   */
  boolean restore(Path prefix, long stepsDone, long rngState) {
    saver.restore(session, prefix, name -> !isCarry(name));
    this.step = stepsDone;
    this.firstStep = stepsDone;
    this.rng = new SplitMix64(rngState);
    try {
      saver.restore(session, prefix, TrainStepGraph::isCarry);
      return true;
    } catch (IllegalArgumentException e) {
      resetCarry();
      return false;
    }
  }

  /** Whether a variable is part of a training carry ({@code carry/...} or {@code replica_<r>/carry/...}). */
  private static boolean isCarry(String name) {
    return Replicas.withoutScope(name).startsWith(CARRY_SCOPE + "/");
  }

  /** Restores only the model's tensors and their EMA shadows (fine-tuning from imported weights). */
  void restoreWeights(Path prefix) {
    saver.restore(session, prefix, name -> params.variables().containsKey(name)
        || name.startsWith(Checkpoints.EMA_PREFIX)
            && emaShadows.containsKey(name.substring(Checkpoints.EMA_PREFIX.length())));
  }

  /**
   * Bytes that cross between devices in one step, from the graph: every tensor that an op on one device produces
   * and an op on another device consumes is sent once to that device (weights to the replicas, batch slices, and
   * gradients and metrics back). 0 for one replica.
   */
  public long crossDeviceBytesPerStep() {
    Map<String, String> deviceOf = new HashMap<>();
    List<NodeDef> nodes = graph.toGraphDef().getNodeList();
    // Ops added after the pinning (evaluation, saver) have no device: they run on the chief's.
    nodes.forEach(n -> deviceOf.put(n.getName(), n.getDevice().isEmpty() ? replicas.device(0) : n.getDevice()));
    Set<String> sent = new HashSet<>();
    long bytes = 0;
    for (NodeDef node : nodes) {
      String device = deviceOf.get(node.getName());
      for (String input : node.getInputList()) {
        if (input.startsWith("^")) {
          continue;
        }
        int colon = input.lastIndexOf(':');
        String source = colon < 0 ? input : input.substring(0, colon);
        int index = colon < 0 ? 0 : Integer.parseInt(input.substring(colon + 1));
        if (!deviceOf.get(source).equals(device) && sent.add(input + "->" + device)) {
          Output<?> output = graph.operation(source).output(index);
          bytes += output.shape().size() * (output.dataType() == DataType.DT_BOOL ? 1
              : output.dataType() == DataType.DT_BFLOAT16 ? 2 : 4);
        }
      }
    }
    return bytes;
  }

  /** The replicas the step runs on. */
  public Replicas replicas() {
    return replicas;
  }

  /**
   * The weights evaluation reads, found by name in the session's graph: EMA shadows for the trained tensors when
   * there are any, raw otherwise.
   */
  private TrmParams evaluationWeights() {
    Ops tf = Ops.create(graph);
    Map<String, Operand<TFloat32>> weights = new LinkedHashMap<>();
    params.variables().forEach((name, variable) -> {
      Variable<TFloat32> source = emaShadows.getOrDefault(name, variable);
      weights.put(name, tf.identity(graph.operation(source.op().name()).<TFloat32>output(0)));
    });
    return TrmParams.of(weights);
  }

  private String input(String name) {
    return INPUT_SCOPE + "/" + name;
  }

  /** {@code value} split evenly along its first axis, one part per replica (itself for one replica). */
  private <T extends TType> List<Operand<T>> split(Ops tf, Operand<T> value) {
    if (replicas.isSingle()) {
      return List.of(value);
    }
    return new ArrayList<>(tf.split(tf.constant(0), value, (long) replicas.count()).output());
  }

  private static <T extends TNumber> Operand<T> sum(Ops tf, List<Operand<T>> parts) {
    return parts.size() == 1 ? parts.get(0) : tf.math.addN(parts);
  }

  private static <T extends TNumber> Operand<T> sumOver(Ops tf, List<Tower> towers,
      Function<Tower, Operand<T>> part) {
    return sum(tf, towers.stream().map(part).toList());
  }

  private static <T extends TType> Operand<T> concat(Ops tf, List<Operand<T>> parts) {
    return parts.size() == 1 ? parts.get(0) : tf.concat(parts, tf.constant(0));
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
