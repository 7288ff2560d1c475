package dev.trm.export;

import dev.trm.model.HaltingRule;
import dev.trm.model.ModelDims;
import dev.trm.model.RecursiveReasoner;
import dev.trm.model.TrmModel;
import dev.trm.model.TrmParams;
import dev.trm.model.config.ArchConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Where;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * ACT inference as one forward-only {@code while} loop: every iteration is one ACT step of the model's
 * {@link RecursiveReasoner} over the slots that are still running, and the loop ends as soon as no slot runs.
 *
 * <p>A slot stops by the model's {@link HaltingRule}: at {@code maxSteps} steps, or, when {@code adaptive}, as soon
 * as its halting head says so (the training rule without exploration). Only
 * running slots are computed: they are gathered, stepped, and scattered back, so a stopped slot costs nothing and
 * keeps the state, q_halt and step count of the step it stopped at. With {@code adaptive} off every slot runs exactly
 * {@code maxSteps} steps, which is the official evaluation.
 *
 * <p>The loop body is built in its own graph ({@link Graph#whileLoop}), which cannot read tensors of the outer
 * graph: the weights and the input injection x enter as loop variables. x does not change
 * between steps (no slot is refilled during inference), so it is computed once, outside the loop.
 */
final class HaltingLoop {
  /** The loop's results: per slot, y at the step it stopped [B, L, D], that step's q_halt [B] and step count [B]. */
  record Stopped(Operand<TFloat32> y, Operand<TFloat32> qHalt, Operand<TInt32> steps) {}

  // Positions of the fixed loop variables; the weights follow.
  private static final int MAX_STEPS = 0, Y = 1, Z = 2, X = 3, DONE = 4, STEPS = 5, Q_HALT = 6, WEIGHTS = 7;

  private HaltingLoop() {}

  /**
   * Builds the loop in {@code graph}.
   *
   * @param params the weights (outer-graph operands)
   * @param x input injection [B, L, D]
   * @param y0 initial answer state [B, L, D] (H_init broadcast)
   * @param z0 initial latent state [B, L, D] (L_init broadcast)
   * @param maxSteps scalar cap on ACT steps
   */
  static Stopped build(Graph graph, ArchConfig arch, ModelDims dims, TrmParams params, Operand<TFloat32> x,
      Operand<TFloat32> y0, Operand<TFloat32> z0, Operand<TInt32> maxSteps, boolean adaptive, String name) {
    Ops tf = Ops.create(graph);
    Operand<TInt32> slots = tf.slice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
    List<Output<?>> init = new ArrayList<>(List.of(maxSteps.asOutput(), y0.asOutput(), z0.asOutput(),
        x.asOutput(), tf.fill(slots, tf.constant(false)).asOutput(), tf.fill(slots, tf.constant(0)).asOutput(),
        tf.fill(slots, tf.constant(0f)).asOutput()));
    List<String> names = new ArrayList<>(params.reads().keySet());
    List<Shape> shapes = new ArrayList<>();
    names.forEach(n -> {
      init.add(params.get(n).asOutput());
      shapes.add(params.get(n).shape());
    });

    Output<?>[] out = graph.whileLoop(init.toArray(new Output<?>[0]),
        (g, in, cond) -> cond[0] = anyRunning(Ops.create(g), in),
        (g, in, body) -> step(Ops.create(g), arch, dims, names, shapes, adaptive, in, body),
        name);
    return new Stopped(cast(out[Y]), cast(out[Q_HALT]), cast(out[STEPS]));
  }

  private static Output<?> anyRunning(Ops tf, Output<?>[] in) {
    Operand<TBool> done = cast(in[DONE]);
    return tf.reduceAny(tf.math.logicalNot(done), tf.constant(0)).asOutput();
  }

  /** One ACT step for the running slots. */
  private static void step(Ops tf, ArchConfig arch, ModelDims dims, List<String> names, List<Shape> shapes,
      boolean adaptive, Output<?>[] in, Output<?>[] out) {
    System.arraycopy(in, 0, out, 0, in.length); // every variable passes through unless updated below
    Map<String, Operand<TFloat32>> weights = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      // Loop variables lose their static shapes; the model code needs them (e.g. to slice the fused gate_up).
      weights.put(names.get(i), tf.ensureShape(HaltingLoop.<TFloat32>cast(in[WEIGHTS + i]), shapes.get(i)));
    }
    TrmParams p = TrmParams.of(weights);
    TrmModel model = new TrmModel(tf, arch, dims);
    Operand<TFloat32> y = cast(in[Y]);
    Operand<TFloat32> z = cast(in[Z]);
    Operand<TBool> done = cast(in[DONE]);
    Operand<TInt32> steps = cast(in[STEPS]);
    Operand<TFloat32> qHalt = cast(in[Q_HALT]);

    Where running = tf.where(tf.math.logicalNot(done)); // [K, 1] indices of the running slots
    RecursiveReasoner.State next = model.reasoner().run(p, new RecursiveReasoner.State(
        model.rows(tf.gatherNd(y, running)), model.rows(tf.gatherNd(z, running))),
        model.rows(tf.gatherNd(cast(in[X]), running)));
    Operand<TFloat32> yNext = model.sequences(next.y());
    TrmModel.HaltingLogits q = model.haltingLogits(p, yNext); // [K] each
    Operand<TFloat32> qHaltNext = q.qHalt();
    Operand<TInt32> stepsNext = tf.math.add(tf.gatherNd(steps, running), tf.constant(1));
    HaltingRule rule = new HaltingRule(tf, arch);
    Operand<TInt32> maxSteps = cast(in[MAX_STEPS]);
    Operand<TBool> stops = adaptive
        ? rule.adaptive(stepsNext, maxSteps, qHaltNext, q.qContinue())
        : rule.atCap(stepsNext, maxSteps);
    out[Y] = tf.tensorScatterNdUpdate(y, running, yNext).asOutput();
    out[Z] = tf.tensorScatterNdUpdate(z, running, model.sequences(next.z())).asOutput();
    out[DONE] = tf.tensorScatterNdUpdate(done, running, stops).asOutput();
    out[STEPS] = tf.tensorScatterNdUpdate(steps, running, stepsNext).asOutput();
    out[Q_HALT] = tf.tensorScatterNdUpdate(qHalt, running, qHaltNext).asOutput();
  }

  @SuppressWarnings("unchecked")
  private static <T extends org.tensorflow.types.family.TType> Operand<T> cast(Output<?> o) {
    return (Operand<T>) o;
  }
}
