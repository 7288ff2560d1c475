package dev.trm.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * One ACT step: halted slots restart from the initial states (H_init, L_init) with the new batch's example at their
 * index, the recursion ({@link RecursiveReasoner}) runs once for every slot, and the {@link HaltingRule} decides
 * which slots finish. {@link #train} halts adaptively with exploration; {@link #eval} runs every slot to
 * halt_max_steps, as the official evaluation does.
 *
 * <p>The carried states are called y (the answer) and z (the latent), as in the paper; the official code and
 * checkpoints call them z_H and z_L.
 */
public final class ActStep {

  /**
   * The state carried between ACT steps.
   *
   * @param y answer state [B, L, D] (official z_H)
   * @param z latent state [B, L, D] (official z_L)
   * @param steps ACT steps taken by each slot's example [B]
   * @param halted slots that finished [B]; they are reset by the next step
   * @param inputs the slots' examples [B, S]
   * @param labels their targets [B, S], -100 = ignore
   * @param puzzleIds their puzzle identifiers [B]
   */
  public record Carry(Operand<TFloat32> y, Operand<TFloat32> z, Operand<TInt32> steps, Operand<TBool> halted,
      Operand<TInt32> inputs, Operand<TInt32> labels, Operand<TInt32> puzzleIds) {}

  /** A freshly loaded batch; slot i takes example i only if slot i halted. */
  public record NewExamples(Operand<TInt32> inputs, Operand<TInt32> labels, Operand<TInt32> puzzleIds) {}

  /**
   * The exploration draws of a training step.
   *
   * @param uniform a uniform [0, 1) draw per slot [B]; the slot explores when it is below halt_exploration_prob
   * @param minHalt a draw in [2, halt_max_steps] per slot [B], the exploring slot's minimum of steps
   */
  public record Exploration(Operand<TFloat32> uniform, Operand<TInt32> minHalt) {}

  /**
   * What one step produces.
   *
   * @param next the carry for the next step (states detached)
   * @param logits token logits [B, S, V]
   * @param qHalt halting logit [B]
   * @param qContinue continue logit [B]
   * @param puzzleRows the puzzle-table rows used this step [B, ndim] (differentiate w.r.t. this for SignSGD)
   * @param current the carry after the reset, before the recursion: its labels are this step's targets, its
   *     {@code halted} marks the slots that were reset
   */
  public record Step(Carry next, Operand<TFloat32> logits, Operand<TFloat32> qHalt, Operand<TFloat32> qContinue,
      Operand<TFloat32> puzzleRows, Carry current) {}

  private final TrmModel model;
  private final Ops tf;
  private final HaltingRule halting;

  public ActStep(TrmModel model) {
    this.model = model;
    this.tf = model.tf();
    this.halting = new HaltingRule(tf, model.arch());
  }

  /** A training step: a slot halts when the halting rule says so, exploration permitting, or at the cap. */
  public Step train(TrmParams p, Carry carry, NewExamples examples, Exploration exploration) {
    Shapes.require("exploration.uniform", exploration.uniform(), -1);
    Shapes.require("exploration.minHalt", exploration.minHalt(), -1);
    return build(p, carry, examples, (steps, qHalt, qContinue) -> halting.training(steps,
        model.shape().haltMaxSteps(), qHalt, qContinue, exploration.uniform(), exploration.minHalt()));
  }

  /** An evaluation step: a slot halts exactly at halt_max_steps. */
  public Step eval(TrmParams p, Carry carry, NewExamples examples) {
    return build(p, carry, examples,
        (steps, qHalt, qContinue) -> halting.atCap(steps, tf.constant(model.shape().haltMaxSteps())));
  }

  /** Which slots halt, given the step count reached after this step and its halting logits. */
  private interface Halts {
    Operand<TBool> after(Operand<TInt32> steps, Operand<TFloat32> qHalt, Operand<TFloat32> qContinue);
  }

  private Step build(TrmParams p, Carry carry, NewExamples examples, Halts halts) {
    checkInputs(p, carry, examples);
    Operand<TBool> reset = carry.halted();
    Operand<TBool> resetRows = tf.reshape(reset, tf.constant(new int[] {-1, 1}));
    Operand<TBool> resetStates = tf.reshape(reset, tf.constant(new int[] {-1, 1, 1}));
    Carry current = new Carry(
        tf.select(resetStates, p.get(ModelTensors.H_INIT), carry.y()),
        tf.select(resetStates, p.get(ModelTensors.L_INIT), carry.z()),
        tf.select(reset, tf.zerosLike(carry.steps()), carry.steps()),
        reset,
        tf.select(resetRows, examples.inputs(), carry.inputs()),
        tf.select(resetRows, examples.labels(), carry.labels()),
        tf.select(reset, examples.puzzleIds(), carry.puzzleIds()));

    Operand<TFloat32> puzzleRows = model.puzzleRows(p, current.puzzleIds());
    Operand<TFloat32> x = model.rows(model.inputEmbeddings(p, current.inputs(), puzzleRows));
    // The carried states never receive gradient (H_init/L_init are fixed buffers).
    RecursiveReasoner.State start = new RecursiveReasoner.State(
        tf.stopGradient(model.rows(current.y())), tf.stopGradient(model.rows(current.z())));
    RecursiveReasoner.State end = model.reasoner().run(p, start, x);
    Operand<TFloat32> y = model.sequences(end.y());

    TrmModel.HaltingLogits q = model.haltingLogits(p, y);
    Operand<TInt32> steps = tf.math.add(current.steps(), tf.constant(1));
    Carry next = new Carry(tf.stopGradient(y), tf.stopGradient(model.sequences(end.z())), steps,
        halts.after(steps, q.qHalt(), q.qContinue()), current.inputs(), current.labels(), current.puzzleIds());
    return new Step(next, model.lmLogits(p, y), q.qHalt(), q.qContinue(), puzzleRows, current);
  }

  private void checkInputs(TrmParams p, Carry carry, NewExamples examples) {
    TrmShape s = model.shape();
    p.check(ModelTensors.specs(s));
    Shapes.require("carry.y", carry.y(), -1, s.totalLen(), s.hidden());
    Shapes.require("carry.z", carry.z(), -1, s.totalLen(), s.hidden());
    Shapes.require("carry.steps", carry.steps(), -1);
    Shapes.require("carry.halted", carry.halted(), -1);
    Shapes.require("carry.inputs", carry.inputs(), -1, s.seqLen());
    Shapes.require("carry.labels", carry.labels(), -1, s.seqLen());
    Shapes.require("carry.puzzleIds", carry.puzzleIds(), -1);
    Shapes.require("examples.inputs", examples.inputs(), -1, s.seqLen());
    Shapes.require("examples.labels", examples.labels(), -1, s.seqLen());
    Shapes.require("examples.puzzleIds", examples.puzzleIds(), -1);
  }

  /** A carry of {@code batchSize} slots that are all halted, so the first step loads a whole batch. */
  public static Carry initialCarry(Ops tf, TrmShape shape, int batchSize) {
    Operand<TFloat32> state = tf.zeros(
        tf.constant(new int[] {batchSize, shape.totalLen(), shape.hidden()}), TFloat32.class);
    Operand<TInt32> grid = tf.constant(new int[] {batchSize, shape.seqLen()});
    Operand<TInt32> slots = tf.constant(new int[] {batchSize});
    return new Carry(state, state, tf.zeros(slots, TInt32.class), tf.fill(slots, tf.constant(true)),
        tf.zeros(grid, TInt32.class), tf.fill(grid, tf.constant(Losses.IGNORE_LABEL)), tf.zeros(slots, TInt32.class));
  }
}
