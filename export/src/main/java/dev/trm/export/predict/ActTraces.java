package dev.trm.export.predict;

import dev.trm.viz.ActTrace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Picks puzzles out of an input and follows them through the ACT steps of a model, for pictures. */
public final class ActTraces {
  private ActTraces() {}

  /** The puzzles at {@code indices} (0-based, in that order) of {@code source}; a clear error for one out of range. */
  public static PuzzleChunk select(PuzzleSource source, List<Long> indices) {
    int s = source.seqLen();
    int n = indices.size();
    int[] inputs = new int[n * s];
    int[] ids = new int[n];
    int[] labels = source.hasLabels() ? new int[n * s] : null;
    boolean[] found = new boolean[n];
    long first = 0;
    long last = indices.stream().mapToLong(Long::longValue).max().orElse(-1);
    PuzzleChunk chunk;
    while (first <= last && (chunk = source.next(1024)) != null) {
      for (int k = 0; k < n; k++) {
        long row = indices.get(k) - first;
        if (row >= 0 && row < chunk.rows()) {
          System.arraycopy(chunk.inputs(), (int) row * s, inputs, k * s, s);
          ids[k] = chunk.puzzleIds()[(int) row];
          if (labels != null) {
            System.arraycopy(chunk.labels(), (int) row * s, labels, k * s, s);
          }
          found[k] = true;
        }
      }
      first += chunk.rows();
    }
    for (int k = 0; k < n; k++) {
      if (!found[k]) {
        throw new IllegalArgumentException("--index " + indices.get(k) + " is out of range: the input has "
            + source.size() + " puzzles");
      }
    }
    return new PuzzleChunk(n, s, inputs, ids, labels);
  }

  /**
   * Runs every puzzle of {@code chunk} for {@code steps} ACT steps (0 = the model's halt_max_steps) and returns, per
   * puzzle, the answer after each step and the step at which the model's own adaptive halting stops it.
   */
  public static List<ActTrace> trace(PuzzleSolver solver, PuzzleChunk chunk, int steps) {
    return trace(solver, chunk, steps, ArcDemonstrations.NONE);
  }

  /** As {@link #trace(PuzzleSolver, PuzzleChunk, int)}, with each ARC puzzle's demonstration pairs. */
  public static List<ActTrace> trace(PuzzleSolver solver, PuzzleChunk chunk, int steps, ArcDemonstrations arc) {
    int trained = solver.solve(chunk, true, 0, false).steps()[0];
    int[] haltSteps = solver.solve(chunk, false, 0, false).steps();
    List<PuzzleSolver.StepOutput> outputs = solver.actSteps(chunk, steps > 0 ? steps : trained);
    int s = chunk.seqLen();
    List<ActTrace> traces = new ArrayList<>();
    for (int i = 0; i < chunk.rows(); i++) {
      List<ActTrace.Step> path = new ArrayList<>();
      for (PuzzleSolver.StepOutput o : outputs) {
        path.add(new ActTrace.Step(Arrays.copyOfRange(o.predictions(), i * s, (i + 1) * s), o.qHalt()[i]));
      }
      int[] label = chunk.labels() == null ? null : answer(Arrays.copyOfRange(chunk.labels(), i * s, (i + 1) * s));
      traces.add(new ActTrace(Arrays.copyOfRange(chunk.inputs(), i * s, (i + 1) * s), label, path, haltSteps[i],
          arc.of(chunk.puzzleIds()[i])));
    }
    return traces;
  }

  /** A label row as tokens: ignored cells (-100) become 0, the pad token, so they draw as padding. */
  private static int[] answer(int[] label) {
    for (int j = 0; j < label.length; j++) {
      label[j] = Math.max(label[j], 0);
    }
    return label;
  }
}
