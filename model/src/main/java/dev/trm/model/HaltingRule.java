package dev.trm.model;

import dev.trm.model.config.ArchConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * When a slot stops taking ACT steps: the one rule that training ({@link ActStep}) and inference (the exported loop)
 * share. Every slot stops at the step cap. Adaptively, a slot also stops once its halting head says so: q_halt > 0,
 * or q_halt > q_continue when {@code no_act_continue} is false. In training, exploration can only delay that stop:
 * an exploring slot runs at least its drawn minimum of steps.
 */
public final class HaltingRule {
  private final Ops tf;
  private final ArchConfig arch;

  public HaltingRule(Ops tf, ArchConfig arch) {
    this.tf = tf;
    this.arch = arch;
  }

  /** Stops at the cap only ({@code steps >= maxSteps}): the official evaluation. */
  public Operand<TBool> atCap(Operand<TInt32> steps, Operand<TInt32> maxSteps) {
    return tf.math.greaterEqual(steps, maxSteps);
  }

  /** Stops at the cap or when the halting head says so, with no exploration: adaptive inference. */
  public Operand<TBool> adaptive(Operand<TInt32> steps, Operand<TInt32> maxSteps, Operand<TFloat32> qHalt,
      Operand<TFloat32> qContinue) {
    return tf.math.logicalOr(atCap(steps, maxSteps), headSaysHalt(qHalt, qContinue));
  }

  /**
   * The training rule: {@link #adaptive}, except that a slot whose {@code exploreUniform} draw is below
   * halt_exploration_prob runs at least {@code exploreMinHalt} steps. With a cap of one step there is nothing to
   * decide: every slot stops.
   *
   * @param exploreUniform a uniform [0, 1) draw per slot [B]
   * @param exploreMinHalt a draw in [2, maxSteps] per slot [B]
   */
  public Operand<TBool> training(Operand<TInt32> steps, int maxSteps, Operand<TFloat32> qHalt,
      Operand<TFloat32> qContinue, Operand<TFloat32> exploreUniform, Operand<TInt32> exploreMinHalt) {
    Operand<TInt32> cap = tf.constant(maxSteps);
    if (maxSteps <= 1) {
      return atCap(steps, cap);
    }
    Operand<TBool> explores = tf.math.less(exploreUniform, tf.constant(arch.getHaltExplorationProb()));
    Operand<TInt32> minHalt = tf.select(explores, exploreMinHalt, tf.zerosLike(exploreMinHalt));
    return tf.math.logicalAnd(adaptive(steps, cap, qHalt, qContinue), tf.math.greaterEqual(steps, minHalt));
  }

  /** Whether the halting head says stop, whatever the step: q_halt > 0, or q_halt > q_continue. */
  public Operand<TBool> headSaysHalt(Operand<TFloat32> qHalt, Operand<TFloat32> qContinue) {
    return arch.getNoActContinue()
        ? tf.math.greater(qHalt, tf.constant(0f))
        : tf.math.greater(qHalt, qContinue);
  }
}
