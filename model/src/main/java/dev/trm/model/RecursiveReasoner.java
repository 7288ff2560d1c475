package dev.trm.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The recursion of one ACT step: T-1 cycles without gradient, then one with. A cycle refines the
 * latent z n times from (y + x), then the answer y once from z. One shared network f does both. Tensors are token
 * rows [B*L, D].
 */
public final class RecursiveReasoner {
  /** The two carried states: y (official z_H, the answer) and z (official z_L, the latent). */
  public record State(Operand<TFloat32> y, Operand<TFloat32> z) {}

  private final Ops tf;
  private final ReasoningNet f;
  private final int hCycles; // T
  private final int lCycles; // n

  RecursiveReasoner(Ops tf, ReasoningNet f, int hCycles, int lCycles) {
    this.tf = tf;
    this.f = f;
    this.hCycles = hCycles;
    this.lCycles = lCycles;
  }

  /** Runs T cycles from (y, z) with input injection x; only the last cycle is differentiable. */
  public State run(TrmParams p, State start, Operand<TFloat32> x) {
    State s = start;
    for (int cycle = 1; cycle < hCycles; cycle++) {
      s = cycle(p, s, x);
    }
    // Cutting the outputs of the T-1 cycles removes them (and their uses of x) from the gradient.
    s = new State(tf.stopGradient(s.y()), tf.stopGradient(s.z()));
    return cycle(p, s, x);
  }

  private State cycle(TrmParams p, State s, Operand<TFloat32> x) {
    Operand<TFloat32> y = s.y();
    Operand<TFloat32> z = s.z();
    for (int i = 0; i < lCycles; i++) {
      z = f.apply(p, z, tf.math.add(y, x)); // latent reasoning
    }
    y = f.apply(p, y, z); // answer update: no x
    return new State(y, z);
  }
}
