package dev.trm.model;

import java.util.Arrays;

/**
 * One tensor of the model's state: its official name (without the {@code _orig_mod.model.inner.} prefix), its
 * shape in the official PyTorch layout (a linear weight is [out, in]), how it is trained and how it starts.
 */
public record ParamSpec(String name, long[] shape, Kind kind, Init init) {

  /** How a tensor is updated. */
  public enum Kind {
    /** Trained by the main optimizer, EMA'd, counted in the official parameter count. */
    TRAINABLE,
    /** Saved with the weights, never trained ({@code H_init}, {@code L_init}). */
    BUFFER,
    /** The puzzle-embedding table: trained by sparse SignSGD, never EMA'd, not counted. */
    PUZZLE_TABLE
  }

  /** How a tensor is initialised. */
  public sealed interface Init permits TruncNormal, Constant {}

  /**
   * JAX-style truncated normal whose actual standard deviation is {@code std}: a standard normal truncated to
   * [-2, 2] times {@code std / 0.879626...}.
   */
  public record TruncNormal(double std) implements Init {}

  /** Every element equal to {@code value}. */
  public record Constant(float value) implements Init {}

  /** Number of elements. */
  public long numElements() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParamSpec p && name.equals(p.name) && Arrays.equals(shape, p.shape) && kind == p.kind
        && init.equals(p.init);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape) + " " + kind + " " + init;
  }
}
