package dev.trm.cli;

import dev.trm.export.predict.ActTraces;
import dev.trm.export.predict.ArcDemonstrations;
import dev.trm.export.predict.PuzzleChunk;
import dev.trm.export.predict.PuzzleSolver;
import dev.trm.export.predict.PuzzleSource;
import dev.trm.export.predict.PuzzleSources;
import dev.trm.viz.ActTrace;
import dev.trm.viz.ArcStyle;
import dev.trm.viz.GridStyle;
import dev.trm.viz.PuzzlePictures;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trm show}: pictures of puzzles and of the model's answer after each ACT step. */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = {"Draw puzzles as a SavedModel or checkpoint solves them: per puzzle <out>/puzzle-<i>.png (input, "
        + "prediction with wrong cells marked, label), <out>/puzzle-<i>-steps.png (the answer after each ACT step, "
        + "cells changed since the step before highlighted, q_halt under each, the step where the halting head "
        + "stops named) and the same steps as an animated GIF. Sudoku, Maze and ARC are told apart by the puzzles' "
        + "shape; ARC puzzles of a dataset are drawn with their demonstration pairs."})
public final class ShowCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "A SavedModel directory, a model base path (newest version), a checkpoint or a run directory.")
  Path model;

  @Option(names = "--input", required = true, paramLabel = "FILE",
      description = "Puzzles: a dataset split directory (or dataset: its test split), a Sudoku/Maze CSV or an "
          + "int .npy [N, S].")
  Path input;

  @Option(names = "--index", split = ",", defaultValue = "0", paramLabel = "I",
      description = "Which puzzles (0-based, comma-separated; default: ${DEFAULT-VALUE}).")
  List<Long> indices;

  @Option(names = "--steps", defaultValue = "0", paramLabel = "N",
      description = "ACT steps to draw (default: the model's halt_max_steps; more continues past it).")
  int steps;

  @Option(names = "--out", defaultValue = "show", paramLabel = "DIR", description = "Where the pictures go "
      + "(default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--cell", defaultValue = "28", paramLabel = "PX", description = "Pixels per cell (default: "
      + "${DEFAULT-VALUE}; 30x30 grids look best at about 10).")
  int cellPx;

  @Option(names = "--puzzle-ids", paramLabel = "FILE", description = "Puzzle identifiers [N] for an .npy input "
      + "(default: 0).")
  Path puzzleIds;

  @Option(names = "--raw-weights", description = "With a checkpoint: its raw weights instead of the EMA.")
  boolean rawWeights;

  @Override
  public Integer call() {
    if (steps < 0 || cellPx < 4 || indices.stream().anyMatch(i -> i < 0)) {
      throw new IllegalArgumentException("--steps must be >= 1, --cell >= 4 and every --index >= 0");
    }
    draw(model, rawWeights, input, puzzleIds, indices, steps, out, cellPx, System.out);
    return 0;
  }

  /**
   * Draws the puzzles at {@code indices} of {@code input} as {@code model} solves them into {@code out}, telling
   * {@code log} what it wrote; returns the film strips.
   */
  static List<Path> draw(Path model, boolean rawWeights, Path input, Path puzzleIds, List<Long> indices, int steps,
      Path out, int cellPx, java.io.PrintStream log) {
    List<Path> strips = new java.util.ArrayList<>();
    try (PuzzleSolver solver = PuzzleSolver.open(model, rawWeights);
        PuzzleSource source = PuzzleSources.open(input, puzzleIds)) {
      GridStyle style = GridStyle.of(source.seqLen(), solver.vocab());
      PuzzleChunk chunk = ActTraces.select(source, indices);
      ArcDemonstrations arc = style instanceof ArcStyle ? ArcDemonstrations.find(input) : ArcDemonstrations.NONE;
      List<ActTrace> traces = ActTraces.trace(solver, chunk, steps, arc);
      PuzzlePictures pictures = new PuzzlePictures(style, cellPx);
      for (int k = 0; k < traces.size(); k++) {
        ActTrace t = traces.get(k);
        PuzzlePictures.Written w = pictures.write(t, out, "puzzle-" + indices.get(k));
        log.printf("puzzle %d: %d ACT steps drawn, the halting head stops at step %d%s%n  %s%n  %s%n  %s%n",
            indices.get(k), t.steps().size(), t.haltStep(), verdict(t), w.summary(), w.filmStrip(), w.animation());
        strips.add(w.filmStrip());
      }
    }
    return strips;
  }

  /** Whether the answer at the halting step is right, when the input has labels and that step was drawn. */
  private static String verdict(ActTrace t) {
    if (t.label() == null || t.haltStep() < 1 || t.haltStep() > t.steps().size()) {
      return "";
    }
    boolean right = java.util.Arrays.equals(t.steps().get(t.haltStep() - 1).prediction(), t.label());
    return right ? " on a correct answer" : " on a wrong answer";
  }
}
