package dev.trm.export.predict;

import java.nio.file.Path;

/** Puzzles read from one input file or dataset split, in order, and the writer of predictions in its layout. */
public interface PuzzleSource extends AutoCloseable {
  /** Cells per puzzle. */
  int seqLen();

  /** Number of puzzles. */
  long size();

  /** Whether the input carries answers (then accuracy can be scored). */
  boolean hasLabels();

  /**
   * Where puzzle {@code index} (0-based, of the last chunk returned) is, for a message: {@code puzzle <index + 1>}, or
   * a file and line where the input has lines.
   */
  default String locate(long index) {
    return "puzzle " + (index + 1);
  }

  /** The next at most {@code maxRows} puzzles, or null after the last. */
  PuzzleChunk next(int maxRows);

  /** A sink that writes predictions to {@code out} in this input's layout. */
  PredictionSink sink(Path out);

  @Override
  void close();
}
