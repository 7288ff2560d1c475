package dev.trm.bench;

import dev.trm.datasets.Batch;
import dev.trm.model.ModelDims;
import java.util.SplittableRandom;

/**
 * A seeded random batch of the dataset's shape: the step's cost does not depend on the token values, so a benchmark
 * needs no dataset on disk. Tokens avoid the pad id 0 and every label is supervised, as in Sudoku.
 */
public final class SyntheticBatch {
  private SyntheticBatch() {}

  /** A full batch of {@code batchSize} random examples. */
  public static Batch of(ModelDims dims, int batchSize, long seed) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    SplittableRandom random = new SplittableRandom(seed);
    int cells = batchSize * dims.seqLen();
    int[] inputs = random.ints(cells, 1, dims.vocabSize()).toArray();
    int[] labels = random.ints(cells, 1, dims.vocabSize()).toArray();
    int[] puzzleIds = random.ints(batchSize, 0, dims.numPuzzleIdentifiers()).toArray();
    return new Batch(batchSize, dims.seqLen(), inputs, labels, puzzleIds, batchSize);
  }
}
