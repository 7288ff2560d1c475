package dev.trm.training;

/**
 * The per-slot halting-exploration randomness of one training ACT step, drawn in Java so it is
 * checkpointed with the generator state: {@code uniform[b]} decides whether slot b explores (uniform < p) and
 * {@code minHalt[b]} in [2, halt_max_steps] is the step it must reach before halting if it does.
 */
public record ExplorationDraws(float[] uniform, int[] minHalt) {

  /** Draws both arrays for {@code slots} slots from {@code rng}. */
  public static ExplorationDraws draw(SplitMix64 rng, int slots, int haltMaxSteps) {
    float[] u = new float[slots];
    int[] min = new int[slots];
    int hi = Math.max(2, haltMaxSteps);
    for (int b = 0; b < slots; b++) {
      u[b] = rng.nextFloat();
      min[b] = rng.nextInt(2, hi);
    }
    return new ExplorationDraws(u, min);
  }
}
