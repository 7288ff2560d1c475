package dev.trm.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * One ACT step (spec §2.1-§2.2): halted slots restart from H_init/L_init with the new batch's example at their
 * index, the recursion runs once for every slot, and the halting rule decides which slots finish.
 */
public final class ActStep {

  /**
   * The state carried between ACT steps.
   *
   * @param zH answer state y [B, L, D]
   * @param zL latent state z [B, L, D]
   * @param steps ACT steps taken by each slot's example [B]
   * @param halted slots that finished [B]; they are reset by the next step
   * @param inputs the slots' examples [B, S]
   * @param labels their targets [B, S], -100 = ignore
   * @param puzzleIds their puzzle identifiers [B]
   */
  public record Carry(Operand<TFloat32> zH, Operand<TFloat32> zL, Operand<TInt32> steps, Operand<TBool> halted,
      Operand<TInt32> inputs, Operand<TInt32> labels, Operand<TInt32> puzzleIds) {}

  /** A freshly loaded batch; slot i replaces the carry's example i only if slot i halted. */
  public record Batch(Operand<TInt32> inputs, Operand<TInt32> labels, Operand<TInt32> puzzleIds) {}

  /** TRAIN halts on q_halt > 0 (with exploration) or the cap; EVAL runs exactly halt_max_steps steps. */
  public enum Mode { TRAIN, EVAL }

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
  public record Output(Carry next, Operand<TFloat32> logits, Operand<TFloat32> qHalt, Operand<TFloat32> qContinue,
      Operand<TFloat32> puzzleRows, Carry current) {}

  private final TrmModel model;
  private final Ops tf;

  public ActStep(TrmModel model) {
    this.model = model;
    this.tf = model.tf();
  }

  /**
   * Builds one ACT step.
   *
   * @param exploreUniform TRAIN only: a uniform [0, 1) draw per slot [B]; slot explores when it is below
   *     halt_exploration_prob
   * @param exploreMinHalt TRAIN only: a draw in [2, halt_max_steps] per slot [B], the exploring slot's minimum steps
   */
  public Output build(TrmParams p, Carry carry, Batch newBatch, Mode mode, Operand<TFloat32> exploreUniform,
      Operand<TInt32> exploreMinHalt) {
    checkInputs(p, carry, newBatch, mode, exploreUniform, exploreMinHalt);
    Operand<TBool> reset = carry.halted();
    Operand<TBool> resetRows = tf.reshape(reset, tf.constant(new int[] {-1, 1}));
    Operand<TBool> resetStates = tf.reshape(reset, tf.constant(new int[] {-1, 1, 1}));
    Carry current = new Carry(
        tf.select(resetStates, p.get(WeightNames.H_INIT), carry.zH()),
        tf.select(resetStates, p.get(WeightNames.L_INIT), carry.zL()),
        tf.select(reset, tf.zerosLike(carry.steps()), carry.steps()),
        reset,
        tf.select(resetRows, newBatch.inputs(), carry.inputs()),
        tf.select(resetRows, newBatch.labels(), carry.labels()),
        tf.select(reset, newBatch.puzzleIds(), carry.puzzleIds()));

    Operand<TFloat32> puzzleRows = model.puzzleRows(p, current.puzzleIds());
    Operand<TFloat32> x = model.rows(model.inputEmbeddings(p, current.inputs(), puzzleRows));
    // The carried states never receive gradient (H_init/L_init are fixed buffers).
    RecursiveReasoner.State start = new RecursiveReasoner.State(
        tf.stopGradient(model.rows(current.zH())), tf.stopGradient(model.rows(current.zL())));
    RecursiveReasoner.State end = model.reasoner().run(p, start, x);
    Operand<TFloat32> y = model.sequences(end.y());

    Operand<TFloat32> q = model.qLogits(p, y);
    Operand<TFloat32> qHalt = column(q, 0);
    Operand<TFloat32> qContinue = column(q, 1);
    Operand<TInt32> steps = tf.math.add(current.steps(), tf.constant(1));
    Operand<TBool> halted = halting(mode, steps, qHalt, qContinue, exploreUniform, exploreMinHalt);
    Carry next = new Carry(tf.stopGradient(y), tf.stopGradient(model.sequences(end.z())), steps, halted,
        current.inputs(), current.labels(), current.puzzleIds());
    return new Output(next, model.lmLogits(p, y), qHalt, qContinue, puzzleRows, current);
  }

  private void checkInputs(TrmParams p, Carry carry, Batch newBatch, Mode mode, Operand<TFloat32> exploreUniform,
      Operand<TInt32> exploreMinHalt) {
    TrmShape s = model.shape();
    p.check(WeightNames.specs(s));
    Shapes.require("carry.zH", carry.zH(), -1, s.totalLen(), s.hidden());
    Shapes.require("carry.zL", carry.zL(), -1, s.totalLen(), s.hidden());
    Shapes.require("carry.steps", carry.steps(), -1);
    Shapes.require("carry.halted", carry.halted(), -1);
    Shapes.require("carry.inputs", carry.inputs(), -1, s.seqLen());
    Shapes.require("carry.labels", carry.labels(), -1, s.seqLen());
    Shapes.require("carry.puzzleIds", carry.puzzleIds(), -1);
    Shapes.require("batch.inputs", newBatch.inputs(), -1, s.seqLen());
    Shapes.require("batch.labels", newBatch.labels(), -1, s.seqLen());
    Shapes.require("batch.puzzleIds", newBatch.puzzleIds(), -1);
    if (mode == Mode.TRAIN) {
      Shapes.require("exploreUniform (needed in TRAIN mode)", exploreUniform, -1);
      Shapes.require("exploreMinHalt (needed in TRAIN mode)", exploreMinHalt, -1);
    }
  }

  /** The official halting rule for the step count {@code steps} reached after this step. */
  private Operand<TBool> halting(Mode mode, Operand<TInt32> steps, Operand<TFloat32> qHalt,
      Operand<TFloat32> qContinue, Operand<TFloat32> exploreUniform, Operand<TInt32> exploreMinHalt) {
    int maxSteps = model.shape().haltMaxSteps();
    Operand<TBool> halted = tf.math.greaterEqual(steps, tf.constant(maxSteps));
    if (mode == Mode.EVAL || maxSteps <= 1) {
      return halted;
    }
    Operand<TBool> wantsToHalt = model.arch().getNoActContinue()
        ? tf.math.greater(qHalt, tf.constant(0f))
        : tf.math.greater(qHalt, qContinue);
    halted = tf.math.logicalOr(halted, wantsToHalt);
    // Exploration can only delay halting: an exploring slot runs at least its drawn minimum of steps.
    Operand<TBool> explores = tf.math.less(exploreUniform, tf.constant(model.arch().getHaltExplorationProb()));
    Operand<TInt32> minHalt = tf.select(explores, exploreMinHalt, tf.zerosLike(exploreMinHalt));
    return tf.math.logicalAnd(halted, tf.math.greaterEqual(steps, minHalt));
  }

  private Operand<TFloat32> column(Operand<TFloat32> q, int index) {
    return tf.reshape(tf.slice(q, tf.constant(new int[] {0, index}), tf.constant(new int[] {-1, 1})),
        tf.constant(new int[] {-1}));
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
