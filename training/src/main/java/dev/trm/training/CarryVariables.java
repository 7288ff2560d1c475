package dev.trm.training;

import dev.trm.model.ActStep;
import dev.trm.model.TrmShape;
import java.util.List;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The ACT carry of B slots kept in ref variables, so it never leaves the device between steps. It starts with every
 * slot halted, so the first step loads a whole batch.
 */
final class CarryVariables {
  private final Variable<TFloat32> y;
  private final Variable<TFloat32> z;
  private final Variable<TInt32> steps;
  private final Variable<TBool> halted;
  private final Variable<TInt32> inputs;
  private final Variable<TInt32> labels;
  private final Variable<TInt32> puzzleIds;

  /**
   * Creates the variables under {@code tf}'s scope: the states y and z under their official names {@code z_H} and
   * {@code z_L}, then {@code steps}, {@code halted}, ...
   */
  CarryVariables(Ops tf, TrmShape shape, int batchSize) {
    ActStep.Carry init = ActStep.initialCarry(tf.withInitScope(), shape, batchSize);
    y = tf.withName("z_H").variable(init.y());
    z = tf.withName("z_L").variable(init.z());
    steps = tf.withName("steps").variable(init.steps());
    halted = tf.withName("halted").variable(init.halted());
    inputs = tf.withName("inputs").variable(init.inputs());
    labels = tf.withName("labels").variable(init.labels());
    puzzleIds = tf.withName("puzzle_identifiers").variable(init.puzzleIds());
  }

  /**
   * The carry as the ACT step reads it. An identity read of a ref variable aliases its buffer and {@code Assign}
   * overwrites that buffer in place, so a read must be consumed before its variable's assign runs. Each field's only
   * consumer feeds its own new value, except {@code halted}: it gates every field, while its new value (in EVAL
   * mode just {@code steps >= N_sup}) does not wait for those selects. It is therefore read as a copy; without it
   * a slot could see "not halted" and skip its reset (observed: evaluation batches kept stale inputs).
   */
  ActStep.Carry read(Ops tf) {
    return new ActStep.Carry(tf.identity(y), tf.identity(z), tf.identity(steps), tf.deepCopy(tf.identity(halted)),
        tf.identity(inputs), tf.identity(labels), tf.identity(puzzleIds));
  }

  /** Stores {@code next}; every value is computed from this step's reads, so the assigns run after them. */
  List<Op> assign(Ops tf, ActStep.Carry next) {
    return List.of(tf.assign(y, next.y()), tf.assign(z, next.z()), tf.assign(steps, next.steps()),
        tf.assign(halted, next.halted()), tf.assign(inputs, next.inputs()), tf.assign(labels, next.labels()),
        tf.assign(puzzleIds, next.puzzleIds()));
  }

  /** Marks every slot halted: the next step restarts all of them from the batch it is fed. */
  Op haltAll(Ops tf) {
    return tf.assign(halted, tf.fill(tf.shape(tf.identity(halted)), tf.constant(true)));
  }
}
