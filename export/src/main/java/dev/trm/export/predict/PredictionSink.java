package dev.trm.export.predict;

/** Receives the predicted tokens of consecutive chunks and writes them in the input's layout. */
public interface PredictionSink extends AutoCloseable {
  /** Writes the predictions [chunk.rows, seqLen] of {@code chunk}. */
  void write(PuzzleChunk chunk, int[] predictions);

  /** Completes the output (it appears only now: an interrupted run leaves no partial file). */
  @Override
  void close();

  /** Discards a partial output. */
  void abort();
}
