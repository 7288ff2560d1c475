package dev.trm.export.predict;

import dev.trm.datasets.NpyDtype;
import dev.trm.datasets.NpyWriter;
import java.nio.file.Path;

/** Predictions as an {@code .npy} array [puzzles, seqLen] of the input's integer dtype. */
final class NpyPredictionSink implements PredictionSink {
  private final NpyWriter writer;

  NpyPredictionSink(Path out, NpyDtype dtype, int seqLen) {
    writer = NpyWriter.create(out, dtype, seqLen);
  }

  @Override
  public void write(PuzzleChunk chunk, int[] predictions) {
    writer.append(predictions, 0, chunk.rows() * chunk.seqLen());
  }

  @Override
  public void close() {
    writer.close();
  }

  @Override
  public void abort() {
    writer.abort();
  }
}
