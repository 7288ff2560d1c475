package dev.trm.export.predict;

import dev.trm.datasets.Batch;
import dev.trm.datasets.PuzzleDataset;
import dev.trm.datasets.TestIterator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Puzzles of an official-format dataset split ({@code <dir>/<split>/dataset.json + all__*.npy}), in file order, with
 * their puzzle identifiers and labels. Predictions are written as an {@code .npy} [examples, seq_len] of the
 * labels' dtype, i.e. shaped like {@code all__labels.npy}.
 */
final class DatasetSplitSource implements PuzzleSource {
  private final PuzzleDataset data;
  private TestIterator batches;
  private int batchSize;

  private DatasetSplitSource(PuzzleDataset data) {
    this.data = data;
  }

  /** {@code dir} is a split directory, or a dataset root (its {@code test} split is used). */
  static DatasetSplitSource open(Path dir) {
    Path split = Files.isDirectory(dir.resolve("test")) && !Files.exists(dir.resolve("dataset.json"))
        ? dir.resolve("test") : dir;
    Path root = split.toAbsolutePath().getParent();
    return new DatasetSplitSource(PuzzleDataset.open(root, split.getFileName().toString()));
  }

  @Override
  public int seqLen() {
    return data.seqLen();
  }

  @Override
  public long size() {
    return data.numExamples();
  }

  @Override
  public boolean hasLabels() {
    return true;
  }

  @Override
  public PuzzleChunk next(int maxRows) {
    if (batches == null || batchSize != maxRows) {
      if (batches != null) {
        throw new IllegalStateException("chunk size must not change");
      }
      batchSize = maxRows;
      batches = new TestIterator(data, maxRows, 0);
    }
    if (!batches.hasNext()) {
      return null;
    }
    Batch b = batches.next();
    int n = b.valid();
    int s = b.seqLen();
    return new PuzzleChunk(n, s, Arrays.copyOf(b.inputs(), n * s), Arrays.copyOf(b.puzzleIds(), n),
        Arrays.copyOf(b.labels(), n * s));
  }

  @Override
  public PredictionSink sink(Path out) {
    return new NpyPredictionSink(out, data.labels().dtype(), data.seqLen());
  }

  @Override
  public void close() {
    // The split's arrays are memory-mapped and released with the object.
  }
}
