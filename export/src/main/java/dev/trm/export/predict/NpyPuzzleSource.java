package dev.trm.export.predict;

import dev.trm.datasets.Npy;
import dev.trm.datasets.NpyArray;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Puzzles from an integer {@code .npy} of inputs [puzzles, seq_len], with puzzle identifiers from a second
 * {@code .npy} [puzzles] (or 0 for all). No labels. Predictions are written as an {@code .npy} of the inputs' dtype.
 */
final class NpyPuzzleSource implements PuzzleSource {
  private final NpyArray inputs;
  private final int[] puzzleIds;
  private final int seqLen;
  private long next;

  private NpyPuzzleSource(NpyArray inputs, int[] puzzleIds, int seqLen) {
    this.inputs = inputs;
    this.puzzleIds = puzzleIds;
    this.seqLen = seqLen;
  }

  /** {@code ids} may be null (every puzzle id 0). */
  static NpyPuzzleSource open(Path file, Path ids) {
    NpyArray in = Npy.read(file);
    long[] shape = in.shape();
    if (shape.length != 2 || !in.dtype().isIntegral()) {
      throw new IllegalArgumentException(file + ": inputs must be an integer array [puzzles, seq_len], got "
          + in.dtype().descr() + " " + Arrays.toString(shape));
    }
    int[] puzzleIds = new int[Math.toIntExact(shape[0])];
    if (ids != null) {
      NpyArray idArray = Npy.read(ids);
      if (idArray.shape().length != 1 || idArray.shape()[0] != shape[0] || !idArray.dtype().isIntegral()) {
        throw new IllegalArgumentException(ids + ": puzzle ids must be an integer array [" + shape[0] + "], got "
            + idArray.dtype().descr() + " " + Arrays.toString(idArray.shape()));
      }
      puzzleIds = idArray.readAllInts();
    }
    return new NpyPuzzleSource(in, puzzleIds, Math.toIntExact(shape[1]));
  }

  @Override
  public int seqLen() {
    return seqLen;
  }

  @Override
  public long size() {
    return puzzleIds.length;
  }

  @Override
  public boolean hasLabels() {
    return false;
  }

  @Override
  public PuzzleChunk next(int maxRows) {
    int rows = (int) Math.min(maxRows, puzzleIds.length - next);
    if (rows <= 0) {
      return null;
    }
    int[] values = new int[rows * seqLen];
    inputs.readInts(next * seqLen, values, 0, values.length);
    PuzzleChunk chunk = new PuzzleChunk(rows, seqLen, values,
        Arrays.copyOfRange(puzzleIds, (int) next, (int) next + rows), null);
    next += rows;
    return chunk;
  }

  @Override
  public PredictionSink sink(Path out) {
    return new NpyPredictionSink(out, inputs.dtype(), seqLen);
  }

  @Override
  public void close() {
    // Memory-mapped; released with the object.
  }
}
