package dev.trm.cli;

import dev.trm.export.predict.PredictJob;
import dev.trm.export.predict.PuzzleSolver;
import dev.trm.export.predict.PuzzleSource;
import dev.trm.export.predict.PuzzleSources;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trm predict}: a SavedModel or checkpoint on puzzles from a file, predictions in the file's layout. */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = {"Solve puzzles with a SavedModel or checkpoint. Input: a Sudoku/Maze CSV "
        + "(source,question,answer,rating), an official-format dataset split directory, or an int .npy [N, S]. "
        + "Output in the input's layout; accuracy is printed when the input has answers."})
public final class PredictCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "A SavedModel directory, a model base path (newest version), a checkpoint or a run directory.")
  Path model;

  @Option(names = "--input", required = true, paramLabel = "FILE", description = "Puzzles: .csv, .npy or a split dir.")
  Path input;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "Predictions: a CSV for a CSV input, else an .npy [N, S].")
  Path out;

  @Option(names = "--logits", paramLabel = "FILE", description = "Also write the logits [N, S, V] as float32 .npy.")
  Path logits;

  @Option(names = "--q-halt", paramLabel = "FILE", description = "Also write the halting logits [N] as float32 .npy.")
  Path qHalt;

  @Option(names = "--steps", paramLabel = "N",
      description = "Cap on ACT steps, at least 1 (default: the model's halt_max_steps).")
  Integer steps;

  @Option(names = "--fixed-steps", description = "Run every puzzle for exactly the cap of steps (the official "
      + "evaluation) instead of stopping each when its halting logit turns positive.")
  boolean fixedSteps;

  @Option(names = "--puzzle-ids", paramLabel = "FILE", description = "Puzzle identifiers [N] for an .npy input "
      + "(default: 0).")
  Path puzzleIds;

  @Option(names = "--batch-size", defaultValue = "64", description = "Puzzles per model call (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--raw-weights", description = "With a checkpoint: its raw weights instead of the EMA (a SavedModel "
      + "holds one set of weights: refused there).")
  boolean rawWeights;

  @Override
  public Integer call() {
    if (steps != null && steps < 1) {
      throw new IllegalArgumentException("--steps must be at least 1, got " + steps
          + " (leave it out for the model's halt_max_steps)");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
    }
    InputPaths.requireExisting("--model", model);
    InputPaths.requireExisting("--input", input);
    InputPaths.requireExisting("--puzzle-ids", puzzleIds);
    if (rawWeights && PuzzleSolver.savedModelDir(model) != null) {
      throw new IllegalArgumentException("--raw-weights applies to a checkpoint or run directory; " + model
          + " is a SavedModel, which holds only the weights it was exported with");
    }
    PredictOutputs.check(input, out, logits, qHalt);
    int maxSteps = steps == null ? 0 : steps;
    try (PuzzleSolver solver = PuzzleSolver.open(model, rawWeights);
        PuzzleSource source = PuzzleSources.open(input, puzzleIds)) {
      System.out.println("trm predict: " + source.size() + " puzzles of " + source.seqLen() + " cells with "
          + solver.description() + ", " + (fixedSteps ? "all " : "adaptive halting, at most ")
          + (steps != null ? steps : "halt_max_steps") + " ACT steps");
      PredictJob.Report r = PredictJob.run(solver, source,
          new PredictJob.Options(out, logits, qHalt, fixedSteps, maxSteps, batchSize));
      System.out.printf("wrote %s: %d puzzles, mean %.2f ACT steps, %.1f puzzles/s%n", out, r.puzzles(), r.meanSteps(),
          r.puzzlesPerSecond());
      if (!Double.isNaN(r.exactAccuracy())) {
        System.out.printf("accuracy: exact %.4f, per cell %.4f%n", r.exactAccuracy(), r.tokenAccuracy());
      }
      return 0;
    }
  }
}
