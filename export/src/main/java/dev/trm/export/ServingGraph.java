package dev.trm.export;

import dev.trm.model.ActStep;
import dev.trm.model.BatchPlaceholders;
import dev.trm.model.ModelDims;
import dev.trm.model.ParamSpec;
import dev.trm.model.ParamValues;
import dev.trm.model.TrmModel;
import dev.trm.model.TrmParams;
import dev.trm.model.TrmShape;
import dev.trm.model.ModelTensors;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.ArchConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The serving graph of a trained TRM, built in a fresh graph by the model code itself: the weights are ref variables
 * under their official names ({@link TrmParams#createVariables}) loaded from host values through placeholder +
 * assign, the batch dimension is dynamic, and there are no labels, losses or optimizer. Signatures (method
 * {@code tensorflow/serving/predict}):
 * <ul>
 *   <li>{@code serving_default}: {@code inputs} int32 [B, S], {@code puzzle_identifiers} int32 [B] ->
 *       {@code predictions} int32 [B, S], {@code q_halt_logits} float [B], {@code steps} int32 [B],
 *       {@code logits} float [B, S, V]: full ACT inference with adaptive halting ({@link HaltingLoop});
 *   <li>{@code fixed_steps}: the same inputs and outputs, every slot running all steps (the official evaluation);
 *   <li>{@code act_step}: one ACT step with the carry as explicit inputs and outputs, for streaming clients.
 * </ul>
 * Both loops stop at the scalar {@value #MAX_STEPS} (a PlaceholderWithDefault outside every signature, default
 * halt_max_steps), which {@code trm predict --steps} feeds. Token and puzzle ids outside their ranges fail an
 * {@code Assert}, i.e. an INVALID_ARGUMENT naming the input, in any TensorFlow runtime.
 */
public final class ServingGraph implements AutoCloseable {
  public static final String SERVING_DEFAULT = Signature.DEFAULT_KEY;
  public static final String FIXED_STEPS = "fixed_steps";
  public static final String ACT_STEP = "act_step";
  public static final String METHOD = "tensorflow/serving/predict";
  /** Op name of the scalar step cap of both loops. */
  public static final String MAX_STEPS = "max_steps";

  private final Graph graph;
  private final Session session;
  private final List<Signature> signatures;

  private ServingGraph(Graph graph, Session session, List<Signature> signatures) {
    this.graph = graph;
    this.session = session;
    this.signatures = List.copyOf(signatures);
  }

  /**
   * Builds the graph for {@code arch} and {@code dims} and loads {@code weights} (official names; must be exactly
   * the model's tensors, else an IllegalArgumentException names every missing, unexpected or misshapen one).
   */
  public static ServingGraph build(ArchConfig arch, ModelDims dims, Map<String, WeightTensor> weights,
      ConfigProto config) {
    List<ParamSpec> specs = ModelTensors.specs(arch, dims);
    ParamValues.check("serving weights", specs, weights);
    Graph graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      TrmParams params = TrmParams.createVariables(tf, arch, dims, 0);
      TrmModel model = new TrmModel(tf, arch, dims);
      List<Signature> signatures = new ArrayList<>();
      Inputs in = Inputs.create(tf, model.shape());
      Operand<TInt32> maxSteps = tf.withName(MAX_STEPS)
          .placeholderWithDefault(tf.constant(model.shape().haltMaxSteps()), Shape.scalar());
      signatures.add(inference(tf, graph, arch, dims, model, params, in, maxSteps, true, SERVING_DEFAULT));
      signatures.add(inference(tf, graph, arch, dims, model, params, in, maxSteps, false, FIXED_STEPS));
      signatures.add(actStep(tf.withSubScope(ACT_STEP), model, params));
      Session session = new Session(graph, config);
      try {
        load(tf, session, params, weights);
      } catch (RuntimeException e) {
        session.close();
        throw e;
      }
      return new ServingGraph(graph, session, signatures);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** The batch placeholders shared by the two loop signatures, and their values after the range checks. */
  private record Inputs(BatchPlaceholders placeholders, Operand<TInt32> checkedInputs,
      Operand<TInt32> checkedPuzzleIds) {
    static Inputs create(Ops tf, TrmShape s) {
      BatchPlaceholders in = BatchPlaceholders.unlabeled(tf, s.seqLen());
      return new Inputs(in, inRange(tf, in.inputs(), s.vocab(), "inputs", "token"),
          inRange(tf, in.puzzleIds(), s.numPuzzleIds(), "puzzle_identifiers", "puzzle identifier"));
    }
  }

  /** {@code ids}, after an Assert that every id is in [0, limit) (a bad id would gather garbage or fail deep inside). */
  private static Operand<TInt32> inRange(Ops tf, Operand<TInt32> ids, int limit, String input, String what) {
    Operand<TInt32> all = tf.constant(new int[] {0});
    Operand<TInt32> flat = tf.reshape(ids, tf.constant(new int[] {-1}));
    Operand<TBool> ok = tf.reduceAll(tf.math.logicalAnd(
        tf.math.greaterEqual(flat, tf.constant(0)), tf.math.less(flat, tf.constant(limit))), all);
    Op check = tf.assertThat(ok, List.of(
        tf.constant(input + " holds a " + what + " outside [0, " + limit + "); smallest and largest given:"),
        tf.reduceMin(flat, all), tf.reduceMax(flat, all)));
    return tf.withControlDependencies(List.of(check)).identity(ids);
  }

  /** A loop signature: adaptive ({@code serving_default}) or all steps ({@code fixed_steps}). */
  private static Signature inference(Ops tf, Graph graph, ArchConfig arch, ModelDims dims, TrmModel model,
      TrmParams params, Inputs in, Operand<TInt32> maxSteps, boolean adaptive, String key) {
    TrmShape s = model.shape();
    Ops scope = tf.withSubScope(key);
    Operand<TFloat32> x = model.inputEmbeddings(params, in.checkedInputs(),
        model.puzzleRows(params, in.checkedPuzzleIds()));
    Operand<TInt32> stateShape = tf.shape(x);
    Operand<TFloat32> y0 = scope.broadcastTo(params.get(ModelTensors.H_INIT), stateShape);
    Operand<TFloat32> z0 = scope.broadcastTo(params.get(ModelTensors.L_INIT), stateShape);
    HaltingLoop.Stopped r = HaltingLoop.build(graph, arch, dims, params, x, y0, z0, maxSteps, adaptive,
        key + "_loop");
    Operand<TFloat32> logits = scope.ensureShape(model.lmLogits(params, r.y()), Shape.of(-1, s.seqLen(), s.vocab()));
    return Signature.builder().key(key).methodName(METHOD)
        .input("inputs", in.placeholders().inputs())
        .input("puzzle_identifiers", in.placeholders().puzzleIds())
        .output("predictions", scope.math.argMax(logits, scope.constant(2), TInt32.class))
        .output("logits", logits)
        .output("q_halt_logits", scope.ensureShape(r.qHalt(), Shape.of(-1)))
        .output("steps", scope.ensureShape(r.steps(), Shape.of(-1)))
        .build();
  }

  /**
   * One ACT step as the evaluation runs it ({@link ActStep#eval}: a slot halts at halt_max_steps). The carry goes in
   * and out explicitly: the answer state y and the latent state z [B, L, D] under their official names {@code z_H}
   * and {@code z_L}, {@code steps} [B], {@code halted} [B] and the
   * slots' current examples {@code carry_inputs} [B, S], {@code carry_puzzle_identifiers} [B]; a halted slot is
   * reset and takes the example at its index in {@code inputs} / {@code puzzle_identifiers}. A client halts a slot
   * adaptively by passing {@code halted = true} for it once its {@code q_halt_logits} is positive.
   */
  private static Signature actStep(Ops tf, TrmModel model, TrmParams params) {
    TrmShape s = model.shape();
    Shape state = Shape.of(-1, s.totalLen(), s.hidden());
    Placeholder<TFloat32> y = tf.withName("z_H").placeholder(TFloat32.class, Placeholder.shape(state));
    Placeholder<TFloat32> z = tf.withName("z_L").placeholder(TFloat32.class, Placeholder.shape(state));
    Placeholder<TInt32> steps = tf.withName("steps").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    Placeholder<TBool> halted = tf.withName("halted").placeholder(TBool.class, Placeholder.shape(Shape.of(-1)));
    Placeholder<TInt32> carryInputs = tf.withName("carry_inputs")
        .placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, s.seqLen())));
    Placeholder<TInt32> carryIds = tf.withName("carry_puzzle_identifiers")
        .placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    BatchPlaceholders batch = BatchPlaceholders.unlabeled(tf, s.seqLen());
    // No labels at serving time: the carry's label slots hold "ignore" and nothing reads them.
    ActStep.Carry carry = new ActStep.Carry(y, z, steps, halted,
        inRange(tf, carryInputs, s.vocab(), "carry_inputs", "token"), batch.labels(),
        inRange(tf, carryIds, s.numPuzzleIds(), "carry_puzzle_identifiers", "puzzle identifier"));
    ActStep.NewExamples examples = new ActStep.NewExamples(
        inRange(tf, batch.inputs(), s.vocab(), "inputs", "token"), batch.labels(),
        inRange(tf, batch.puzzleIds(), s.numPuzzleIds(), "puzzle_identifiers", "puzzle identifier"));
    ActStep.Step out = new ActStep(model).eval(params, carry, examples);
    Operand<TFloat32> logits = tf.ensureShape(out.logits(), Shape.of(-1, s.seqLen(), s.vocab()));
    return Signature.builder().key(ACT_STEP).methodName(METHOD)
        .input("z_H", y).input("z_L", z).input("steps", steps).input("halted", halted)
        .input("carry_inputs", carryInputs).input("carry_puzzle_identifiers", carryIds)
        .input("inputs", batch.inputs()).input("puzzle_identifiers", batch.puzzleIds())
        .output("z_H", tf.ensureShape(out.next().y(), state))
        .output("z_L", tf.ensureShape(out.next().z(), state))
        .output("steps", tf.ensureShape(out.next().steps(), Shape.of(-1)))
        .output("halted", tf.ensureShape(out.next().halted(), Shape.of(-1)))
        .output("carry_inputs", tf.ensureShape(out.next().inputs(), Shape.of(-1, s.seqLen())))
        .output("carry_puzzle_identifiers", tf.ensureShape(out.next().puzzleIds(), Shape.of(-1)))
        .output("predictions", tf.math.argMax(logits, tf.constant(2), TInt32.class))
        .output("logits", logits)
        .output("q_halt_logits", tf.ensureShape(out.qHalt(), Shape.of(-1)))
        .output("q_continue_logits", tf.ensureShape(out.qContinue(), Shape.of(-1)))
        .build();
  }

  /** Assigns every variable its host value in one run (placeholder + assign, so no value is baked into the graph). */
  private static void load(Ops tf, Session session, TrmParams params, Map<String, WeightTensor> weights) {
    Ops scope = tf.withSubScope("load");
    Session.Runner runner = session.runner();
    List<Tensor> fed = new ArrayList<>();
    try {
      for (Map.Entry<String, Variable<TFloat32>> e : params.variables().entrySet()) {
        WeightTensor w = weights.get(e.getKey());
        Placeholder<TFloat32> value = scope.withName(e.getKey())
            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(w.shape())));
        TFloat32 t = ParamValues.toTensor(w);
        fed.add(t);
        runner.feed(value, t).addTarget(scope.assign(e.getValue(), value));
      }
      runner.run().close();
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  public Graph graph() {
    return graph;
  }

  public Session session() {
    return session;
  }

  /** serving_default, fixed_steps, act_step. */
  public List<Signature> signatures() {
    return signatures;
  }

  /** The signature with this key. */
  public Signature signature(String key) {
    return signatures.stream().filter(s -> s.key().equals(key)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no signature " + key));
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
