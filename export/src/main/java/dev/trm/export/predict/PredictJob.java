package dev.trm.export.predict;

import dev.trm.datasets.Batch;
import dev.trm.datasets.NpyDtype;
import dev.trm.datasets.NpyWriter;
import java.nio.file.Path;

/**
 * {@code trm predict}: solves every puzzle of a {@link PuzzleSource} in batches with a {@link PuzzleSolver}, writes
 * the predictions in the input's layout (and optionally logits [N, S, V] and q_halt [N] as float32 .npy), and scores
 * them when the input has answers.
 */
public final class PredictJob {
  /**
   * How to run.
   *
   * @param out predictions file
   * @param logits .npy for the logits, or null
   * @param qHalt .npy for the halting logits, or null
   * @param fixedSteps run every puzzle for all steps (official evaluation) instead of halting adaptively
   * @param maxSteps step cap (0 = the model's halt_max_steps)
   * @param batchSize puzzles per Session.run
   */
  public record Options(Path out, Path logits, Path qHalt, boolean fixedSteps, int maxSteps, int batchSize) {}

  /**
   * What a run did. Accuracies are NaN without labels.
   *
   * @param exactAccuracy fraction of scored puzzles entirely right (the official Sudoku/Maze metric)
   * @param tokenAccuracy mean over scored puzzles of the fraction of scored cells right
   * @param meanSteps mean ACT steps per puzzle
   * @param seconds time spent in the model
   */
  public record Report(long puzzles, double exactAccuracy, double tokenAccuracy, double meanSteps, double seconds) {
    public double puzzlesPerSecond() {
      return puzzles / seconds;
    }
  }

  private PredictJob() {}

  public static Report run(PuzzleSolver solver, PuzzleSource source, Options o) {
    if (source.seqLen() != solver.seqLen()) {
      throw new IllegalArgumentException("the input's puzzles have " + source.seqLen() + " cells, the model ("
          + solver.description() + ") takes " + solver.seqLen());
    }
    if (o.batchSize() < 1) {
      throw new IllegalArgumentException("--batch-size must be >= 1, got " + o.batchSize());
    }
    long n = source.size();
    int s = source.seqLen();
    PredictionSink sink = source.sink(o.out());
    NpyWriter logits = o.logits() == null ? null : NpyWriter.create(o.logits(), NpyDtype.FLOAT32, s, solver.vocab());
    NpyWriter qHalt = o.qHalt() == null ? null : NpyWriter.create(o.qHalt(), NpyDtype.FLOAT32);
    long done = 0;
    double exact = 0;
    double token = 0;
    long scoredPuzzles = 0;
    long steps = 0;
    long nanos = 0;
    try {
      for (PuzzleChunk chunk = source.next(o.batchSize()); chunk != null; chunk = source.next(o.batchSize())) {
        checkTokens(source, done, chunk, solver.vocab());
        long t0 = System.nanoTime();
        PuzzleSolver.Solution sol = solver.solve(chunk, o.fixedSteps(), o.maxSteps(), logits != null);
        nanos += System.nanoTime() - t0;
        sink.write(chunk, sol.predictions());
        if (logits != null) {
          logits.append(sol.logits(), 0, sol.logits().length);
        }
        if (qHalt != null) {
          qHalt.append(sol.qHalt(), 0, sol.rows());
        }
        for (int r = 0; r < chunk.rows(); r++) {
          steps += sol.steps()[r];
          if (chunk.labels() != null) {
            double[] score = score(chunk.labels(), sol.predictions(), r * s, s);
            if (score != null) {
              exact += score[0];
              token += score[1];
              scoredPuzzles++;
            }
          }
        }
        done += chunk.rows();
      }
      sink.close();
      if (logits != null) {
        logits.close();
      }
      if (qHalt != null) {
        qHalt.close();
      }
    } catch (RuntimeException e) {
      sink.abort();
      if (logits != null) {
        logits.abort();
      }
      if (qHalt != null) {
        qHalt.abort();
      }
      throw e;
    }
    boolean scored = source.hasLabels() && scoredPuzzles > 0;
    return new Report(done, scored ? exact / scoredPuzzles : Double.NaN, scored ? token / scoredPuzzles : Double.NaN,
        done == 0 ? 0 : (double) steps / done, nanos / 1e9);
  }

  /**
   * Refuses a puzzle with a token the model has no embedding for, naming where it is: the graph would fail an
   * assertion deep inside TensorFlow instead.
   */
  private static void checkTokens(PuzzleSource source, long first, PuzzleChunk chunk, int vocab) {
    int[] inputs = chunk.inputs();
    for (int i = 0; i < inputs.length; i++) {
      if (inputs[i] < 0 || inputs[i] >= vocab) {
        throw new IllegalArgumentException(source.locate(first + i / chunk.seqLen()) + ": cell " + i % chunk.seqLen()
            + " is token " + inputs[i] + ", outside the model's vocabulary of " + vocab + " tokens (0 = pad, 1 = blank,"
            + " then the symbols): the puzzle has a symbol this model was not trained on");
      }
    }
  }

  /**
   * {exactly right, fraction of scored cells right} of one puzzle, or null if no cell is scored (label -100
   * everywhere: the official metrics skip such puzzles).
   */
  static double[] score(int[] labels, int[] predictions, int off, int len) {
    int scored = 0;
    int right = 0;
    for (int i = off; i < off + len; i++) {
      if (labels[i] != Batch.IGNORE_LABEL) {
        scored++;
        right += labels[i] == predictions[i] ? 1 : 0;
      }
    }
    return scored == 0 ? null : new double[] {right == scored ? 1 : 0, (double) right / scored};
  }
}
