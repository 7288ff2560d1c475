package dev.trm.datasets;

import java.util.Arrays;

/** Fills batch rows from a {@link PuzzleDataset}: copies an example's tokens, maps ignored labels, pads the rest. */
final class BatchReader {
  private final PuzzleDataset dataset;
  private final int seqLen;
  private final Integer ignoreLabelId;

  BatchReader(PuzzleDataset dataset) {
    this.dataset = dataset;
    this.seqLen = dataset.seqLen();
    this.ignoreLabelId = dataset.metadata().ignoreLabelId();
  }

  /** Copies {@code example} of {@code puzzle} into row {@code row}. */
  void fill(int[] inputs, int[] labels, int[] puzzleIds, int row, long example, int puzzle) {
    int off = row * seqLen;
    dataset.readInputs(example, inputs, off);
    dataset.readLabels(example, labels, off);
    if (ignoreLabelId != null) {
      int ignore = ignoreLabelId;
      for (int i = off; i < off + seqLen; i++) {
        if (labels[i] == ignore) {
          labels[i] = Batch.IGNORE_LABEL;
        }
      }
    }
    puzzleIds[row] = dataset.puzzleIdentifier(puzzle);
  }

  /** Pads rows {@code from ..} of a batch of {@code batchSize} rows and returns it. */
  Batch padded(int batchSize, int[] inputs, int[] labels, int[] puzzleIds, int from) {
    Arrays.fill(inputs, from * seqLen, batchSize * seqLen, dataset.metadata().padId());
    Arrays.fill(labels, from * seqLen, batchSize * seqLen, Batch.IGNORE_LABEL);
    Arrays.fill(puzzleIds, from, batchSize, dataset.metadata().blankIdentifierId());
    return new Batch(batchSize, seqLen, inputs, labels, puzzleIds, from);
  }
}
