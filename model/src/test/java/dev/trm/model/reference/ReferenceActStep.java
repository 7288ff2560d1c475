package dev.trm.model.reference;

import java.util.Arrays;

/**
 * One ACT step over a batch of slots, on top of {@link ReferenceTrm}:
 * <pre>
 *   reset halted slots: y ← H_init, z ← L_init, steps ← 0, data ← the new batch's example at that index
 *   (y, z) ← recursion;  logits, q ← heads;  steps ← steps + 1
 *   halted ← steps ≥ halt_max_steps
 *   TRAIN (and halt_max_steps > 1): halted ← (halted or q_halt > 0) and steps ≥ (u < p_explore ? minHalt : 0)
 * </pre>
 * The exploration draws u and minHalt are inputs, as in the graph.
 */
public final class ReferenceActStep {
  /** EVAL halts exactly at halt_max_steps; TRAIN also on q_halt > 0, delayed by exploration. */
  public enum Mode { TRAIN, EVAL }

  /**
   * The state carried between ACT steps, per slot b.
   *
   * @param y answer state [B][L][D]
   * @param z latent state [B][L][D]
   * @param steps ACT steps taken so far
   * @param halted whether the slot is reset at the next step
   * @param inputs [B][S]
   * @param labels [B][S], -100 = ignored
   * @param puzzleIds [B]
   */
  public record Carry(
      double[][][] y, double[][][] z, int[] steps, boolean[] halted, int[][] inputs, int[][] labels,
      int[] puzzleIds) {
    public int batchSize() {
      return steps.length;
    }
  }

  /** The data loader's batch; only halted slots take their example from it. */
  public record NewExamples(int[][] inputs, int[][] labels, int[] puzzleIds) {}

  /**
   * @param current the carry after the reset and before the step (its labels are the targets)
   * @param next the carry after the step
   * @param logits [B][S][V]
   * @param qHalt [B]
   * @param qContinue [B]
   */
  public record Step(Carry current, Carry next, double[][][] logits, double[] qHalt, double[] qContinue) {}

  private final ReferenceTrm trm;

  public ReferenceActStep(ReferenceTrm trm) {
    this.trm = trm;
  }

  /** A carry whose every slot is halted, so that the first step resets all of them (states are left at zero). */
  public static Carry initialCarry(ReferenceDims dims, int batchSize) {
    boolean[] halted = new boolean[batchSize];
    Arrays.fill(halted, true);
    return new Carry(new double[batchSize][dims.totalLen()][dims.hidden()],
        new double[batchSize][dims.totalLen()][dims.hidden()], new int[batchSize], halted,
        new int[batchSize][dims.seqLen()], new int[batchSize][dims.seqLen()], new int[batchSize]);
  }

  /**
   * @param exploreUniform [B] uniform draws in [0, 1), TRAIN only (may be null in EVAL)
   * @param exploreMinHalt [B] draws in [2, halt_max_steps], TRAIN only (may be null in EVAL)
   */
  public Step step(Carry carry, NewExamples batch, Mode mode, double[] exploreUniform, int[] exploreMinHalt) {
    Carry current = reset(carry, batch);
    int b = carry.batchSize();
    var arch = trm.dims().arch();
    double[][][] y = new double[b][][];
    double[][][] z = new double[b][][];
    double[][][] logits = new double[b][][];
    double[] qHalt = new double[b];
    double[] qContinue = new double[b];
    int[] steps = new int[b];
    boolean[] halted = new boolean[b];
    for (int slot = 0; slot < b; slot++) {
      double[][] x = trm.inputEmbeddings(current.inputs()[slot], current.puzzleIds()[slot]);
      ReferenceTrm.State s = trm.recurse(new ReferenceTrm.State(current.y()[slot], current.z()[slot]), x);
      y[slot] = s.y();
      z[slot] = s.z();
      logits[slot] = trm.lmLogits(s.y());
      double[] q = trm.qLogits(s.y());
      qHalt[slot] = q[0];
      qContinue[slot] = q[1];
      steps[slot] = current.steps()[slot] + 1;
      halted[slot] = steps[slot] >= arch.getHaltMaxSteps();
      if (mode == Mode.TRAIN && arch.getHaltMaxSteps() > 1) {
        int minHalt = exploreUniform[slot] < arch.getHaltExplorationProb() ? exploreMinHalt[slot] : 0;
        halted[slot] = (halted[slot] || qHalt[slot] > 0) && steps[slot] >= minHalt;
      }
    }
    Carry next = new Carry(y, z, steps, halted, current.inputs(), current.labels(), current.puzzleIds());
    return new Step(current, next, logits, qHalt, qContinue);
  }

  /** Halted slots go back to the init states with steps 0 and take the new batch's example at their index. */
  private Carry reset(Carry carry, NewExamples batch) {
    int b = carry.batchSize();
    ReferenceTrm.State init = trm.initialState();
    Carry current = new Carry(new double[b][][], new double[b][][], new int[b], new boolean[b], new int[b][],
        new int[b][], new int[b]);
    for (int slot = 0; slot < b; slot++) {
      boolean reset = carry.halted()[slot];
      current.y()[slot] = reset ? init.y() : carry.y()[slot];
      current.z()[slot] = reset ? init.z() : carry.z()[slot];
      current.steps()[slot] = reset ? 0 : carry.steps()[slot];
      current.halted()[slot] = carry.halted()[slot];
      current.inputs()[slot] = reset ? batch.inputs()[slot] : carry.inputs()[slot];
      current.labels()[slot] = reset ? batch.labels()[slot] : carry.labels()[slot];
      current.puzzleIds()[slot] = reset ? batch.puzzleIds()[slot] : carry.puzzleIds()[slot];
    }
    return current;
  }
}
