package dev.trm.datasets;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Walks a split's examples in file order in batches of {@code batchSize}; the last batch is padded (see {@link Batch}).
 * {@link #batchOffset()} gives the index of the first example of the batch last returned, which maps predictions
 * back to examples and puzzles.
 */
public final class TestIterator implements Iterator<Batch> {
  private final PuzzleDataset data;
  private final BatchReader reader;
  private final int batchSize;
  private final long limit;
  private long nextExample;
  private long lastOffset = -1;
  private int puzzle;

  /** @param maxExamples stop after this many examples; 0 = all */
  public TestIterator(PuzzleDataset test, int batchSize, long maxExamples) {
    if (batchSize <= 0 || maxExamples < 0) {
      throw new IllegalArgumentException("batchSize must be positive and maxExamples >= 0, got " + batchSize + ", " + maxExamples);
    }
    this.data = test;
    this.reader = new BatchReader(test);
    this.batchSize = batchSize;
    this.limit = maxExamples == 0 ? test.numExamples() : Math.min(maxExamples, test.numExamples());
  }

  /** Examples this iterator covers. */
  public long numExamples() {
    return limit;
  }

  /** Batches this iterator returns in total. */
  public long numBatches() {
    return (limit + batchSize - 1) / batchSize;
  }

  @Override
  public boolean hasNext() {
    return nextExample < limit;
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    int seqLen = data.seqLen();
    int[] inputs = new int[batchSize * seqLen];
    int[] labels = new int[batchSize * seqLen];
    int[] puzzleIds = new int[batchSize];
    int n = (int) Math.min(batchSize, limit - nextExample);
    for (int row = 0; row < n; row++) {
      long example = nextExample + row;
      while (data.puzzleEnd(puzzle) <= example) {
        puzzle++;
      }
      reader.fill(inputs, labels, puzzleIds, row, example, puzzle);
    }
    lastOffset = nextExample;
    nextExample += n;
    return reader.padded(batchSize, inputs, labels, puzzleIds, n);
  }

  /** Index of the first example of the batch last returned by {@link #next()} (-1 before the first). */
  public long batchOffset() {
    return lastOffset;
  }
}
