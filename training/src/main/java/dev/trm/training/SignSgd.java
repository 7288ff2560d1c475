package dev.trm.training;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Unique;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Sparse SignSGD for the puzzle-embedding table: only the rows of this batch's puzzle ids move.
 *
 * <p>The gradient arrives per example ([B, D], w.r.t. the gathered rows); duplicates of an id are summed, then each
 * touched row becomes {@code row·(1 - lr·wd) - lr·sign(g)}. Untouched rows are neither decayed nor read, and no
 * dense [N_ids, D] gradient exists, so the ARC table (~876k x 512) costs only B rows per step.
 */
public final class SignSgd {
  private SignSgd() {}

  /**
   * Builds the update.
   *
   * @param table the [N_ids, D] ref variable
   * @param ids [B] the puzzle id of each gathered row
   * @param rowGrads [B, D] the loss gradient w.r.t. the gathered rows
   * @param lr this step's learning rate (scalar)
   * @return the scatter op (its output is the updated table)
   */
  public static Operand<TFloat32> update(
      Ops tf, Variable<TFloat32> table, Operand<TInt32> ids, Operand<TFloat32> rowGrads, Operand<TFloat32> lr,
      float weightDecay) {
    Unique<TInt32, TInt32> unique = tf.unique(ids, tf.constant(new int[] {0}));
    Operand<TFloat32> summed = tf.math.unsortedSegmentSum(rowGrads, unique.idx(), tf.size(unique.y()));
    Operand<TFloat32> rows = tf.gather(tf.identity(table), unique.y(), tf.constant(0));
    Operand<TFloat32> decayed = tf.math.mul(rows, tf.math.sub(tf.constant(1f), tf.math.mul(lr, tf.constant(weightDecay))));
    Operand<TFloat32> updated = tf.math.sub(decayed, tf.math.mul(lr, tf.math.sign(summed)));
    return tf.scatterUpdate(table, unique.y(), updated);
  }
}
