package dev.trm.training;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The Adam family as graph ops on ref variables, with decoupled weight decay applied first.
 *
 * <p>Per element at step t (counted from 1):
 *
 * <pre>
 *   p <- p·(1 - lr·wd)
 *   m <- β1·m + (1-β1)·g
 *   v <- β2·v + (1-β2)·g²
 *   p <- p - lr/(1-β1^t) · direction(m, sqrt(v)/sqrt(1-β2^t))
 * </pre>
 *
 * Subclasses supply {@link #direction}. The learning rate is an operand (a fed placeholder), so any schedule can
 * drive it. Slots {@code <name>/m/<var>}, {@code <name>/v/<var>} and the step counter {@code <name>/step} are ref
 * variables, so the saver checkpoints them.
 */
public abstract class AdamOptimizer {
  private final Ops tf;
  private final float beta1;
  private final float beta2;
  private final float weightDecay;
  private final Variable<TInt64> step;

  protected AdamOptimizer(Ops tf, String name, float beta1, float beta2, float weightDecay) {
    this.tf = tf.withSubScope(name);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.weightDecay = weightDecay;
    this.step = this.tf.withName("step").variable(tf.constant(0L));
  }

  /**
   * The update direction from the first moment {@code m} and the bias-corrected root of the second moment
   * {@code rootV = sqrt(v)/sqrt(1-β2^t)}; the caller scales it by {@code lr/(1-β1^t)}.
   */
  protected abstract Operand<TFloat32> direction(Ops tf, Operand<TFloat32> m, Operand<TFloat32> rootV);

  /** The step counter: the number of updates applied so far. */
  public Variable<TInt64> step() {
    return step;
  }

  /**
   * Builds the update of every variable from its gradient, counting one step.
   *
   * @param variables ref variables, each named by its op
   * @param gradients one per variable, same shape
   * @param lr the learning rate of this step, a scalar
   * @return the updated values (outputs of the final assigns), in the order of {@code variables}
   */
  public List<Operand<TFloat32>> apply(
      List<Variable<TFloat32>> variables, List<? extends Operand<TFloat32>> gradients, Operand<TFloat32> lr) {
    if (variables.size() != gradients.size()) {
      throw new IllegalArgumentException(variables.size() + " variables but " + gradients.size() + " gradients");
    }
    Operand<TFloat32> t = tf.dtypes.cast(tf.assignAdd(step, tf.constant(1L)), TFloat32.class);
    Operand<TFloat32> stepSize = tf.math.div(lr, oneMinus(tf.math.pow(tf.constant(beta1), t)));
    Operand<TFloat32> rootCorrection2 = tf.math.sqrt(oneMinus(tf.math.pow(tf.constant(beta2), t)));
    Operand<TFloat32> decay = oneMinus(tf.math.mul(lr, tf.constant(weightDecay)));
    List<Operand<TFloat32>> updated = new ArrayList<>(variables.size());
    for (int i = 0; i < variables.size(); i++) {
      Variable<TFloat32> p = variables.get(i);
      Operand<TFloat32> g = gradients.get(i);
      String name = p.op().name();
      Variable<TFloat32> mSlot = newSlot("m", name, p);
      Variable<TFloat32> vSlot = newSlot("v", name, p);
      Operand<TFloat32> m = tf.assign(mSlot, mix(tf.identity(mSlot), beta1, g));
      Operand<TFloat32> v = tf.assign(vSlot, mix(tf.identity(vSlot), beta2, tf.math.square(g)));
      Operand<TFloat32> dir = direction(tf, m, tf.math.div(tf.math.sqrt(v), rootCorrection2));
      Operand<TFloat32> decayed = tf.math.mul(tf.identity(p), decay);
      updated.add(tf.assign(p, tf.math.sub(decayed, tf.math.mul(stepSize, dir))));
    }
    return updated;
  }

  /** A zero-initialised slot shaped like {@code like}, named {@code <optimizer>/<kind>/<varName>}. */
  private Variable<TFloat32> newSlot(String kind, String varName, Variable<TFloat32> like) {
    Ops init = tf.withInitScope();
    return tf.withSubScope(kind).withName(varName).variable(init.zeros(init.constant(like.shape()), TFloat32.class));
  }

  /** β·old + (1-β)·x. */
  private Operand<TFloat32> mix(Operand<TFloat32> old, float beta, Operand<TFloat32> x) {
    return tf.math.add(tf.math.mul(tf.constant(beta), old), tf.math.mul(tf.constant(1f - beta), x));
  }

  private Operand<TFloat32> oneMinus(Operand<TFloat32> x) {
    return tf.math.sub(tf.constant(1f), x);
  }
}
