package dev.trm.training;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Exponential moving average of the trainable parameters, as shadow ref variables
 * {@code ema/<name>} that start from the same initial tensors as the parameters.
 *
 * <p>After every step: {@code shadow <- d·shadow + (1-d)·param}, with {@code d = rate}, or with warm-up
 * {@code d_t = min(rate, (1+t)/(10+t))} where t counts the updates from 1. The official code uses a constant 0.999,
 * which barely leaves the initial weights in a run of a few thousand steps; the warm-up lets short runs evaluate
 * meaningful EMA weights.
 */
public final class Ema {
  private final Ops tf;
  private final float rate;
  private final boolean warmup;
  private final List<Variable<TFloat32>> shadows;
  private final Variable<TInt64> updates;

  /** Creates the shadows of {@code params} (ref variables with initialisers in {@code tf}'s graph). */
  public Ema(Ops tf, List<Variable<TFloat32>> params, float rate, boolean warmup) {
    if (!(rate > 0 && rate < 1)) {
      throw new IllegalArgumentException("EMA rate must be in (0, 1), got " + rate);
    }
    this.tf = tf.withSubScope("ema");
    this.rate = rate;
    this.warmup = warmup;
    InitialValues inits = InitialValues.of((Graph) tf.scope().env());
    List<Variable<TFloat32>> list = new ArrayList<>(params.size());
    for (Variable<TFloat32> p : params) {
      list.add(this.tf.withName(p.op().name()).variable(inits.of(p)));
    }
    this.shadows = List.copyOf(list);
    this.updates = this.tf.withName("num_updates").variable(tf.constant(0L));
  }

  /** The shadow variables, in the order of the parameters. */
  public List<Variable<TFloat32>> shadows() {
    return shadows;
  }

  /**
   * Builds one EMA update from the parameters' new values (the optimizer's assign outputs, so the update reads
   * the weights after this step's change).
   *
   * @return the shadow assigns and the update counter's increment, to run as targets
   */
  public List<Op> update(List<Operand<TFloat32>> newParams) {
    if (newParams.size() != shadows.size()) {
      throw new IllegalArgumentException(shadows.size() + " shadows but " + newParams.size() + " parameters");
    }
    Operand<TInt64> t = tf.assignAdd(updates, tf.constant(1L));
    Operand<TFloat32> d = warmup ? warmupDecay(tf.dtypes.cast(t, TFloat32.class)) : tf.constant(rate);
    Operand<TFloat32> oneMinusD = tf.math.sub(tf.constant(1f), d);
    List<Op> out = new ArrayList<>(shadows.size() + 1);
    out.add(t);
    for (int i = 0; i < shadows.size(); i++) {
      Variable<TFloat32> s = shadows.get(i);
      out.add(tf.assign(s, tf.math.add(tf.math.mul(d, tf.identity(s)), tf.math.mul(oneMinusD, newParams.get(i)))));
    }
    return out;
  }

  private Operand<TFloat32> warmupDecay(Operand<TFloat32> t) {
    Operand<TFloat32> ramp = tf.math.div(tf.math.add(tf.constant(1f), t), tf.math.add(tf.constant(10f), t));
    return tf.math.minimum(tf.constant(rate), ramp);
  }
}
