package dev.trm.datasets;

import java.nio.file.Path;

/**
 * Refuses token ids outside {@code [0, vocab_size)} and labels outside it (other than the dataset's ignore label and
 * {@link Batch#IGNORE_LABEL}) before they reach the graph, where an out-of-range id would fail inside an op or turn
 * into a loss that looks like divergence. Messages name the file, the row (example), the position and the value.
 *
 * <p>{@link PuzzleDataset} scans a split whole when it opens if the split is small enough for that to be quick, and
 * checks every row it reads in any case, so a large split is checked batch by batch as training reaches it.
 */
final class VocabularyCheck {
  /** Splits of at most this many input plus label elements are scanned at open (a fraction of a second). */
  static final long OPEN_SCAN_ELEMENTS = 1L << 26;
  private static final int SCAN_ROWS = 4096;

  private final Path inputsFile;
  private final Path labelsFile;
  private final Path metadataFile;
  private final int vocabSize;
  private final Integer ignoreLabelId;

  VocabularyCheck(Path inputsFile, Path labelsFile, Path metadataFile, DatasetMetadata metadata) {
    this.inputsFile = inputsFile;
    this.labelsFile = labelsFile;
    this.metadataFile = metadataFile;
    this.vocabSize = metadata.vocabSize();
    this.ignoreLabelId = metadata.ignoreLabelId();
  }

  /** Checks the input tokens of row {@code example}, held in {@code row[off .. off+seqLen-1]}. */
  void inputs(long example, int[] row, int off, int seqLen) {
    for (int i = 0; i < seqLen; i++) {
      int v = row[off + i];
      if (v < 0 || v >= vocabSize) {
        throw new DatasetFormatException(inputsFile + ": row " + example + ", position " + i + ": token id " + v
            + " is outside [0, vocab_size=" + vocabSize + ") of " + metadataFile);
      }
    }
  }

  /** Checks the raw labels of row {@code example}, held in {@code row[off .. off+seqLen-1]}. */
  void labels(long example, int[] row, int off, int seqLen) {
    for (int i = 0; i < seqLen; i++) {
      int v = row[off + i];
      if ((v < 0 || v >= vocabSize) && v != Batch.IGNORE_LABEL && (ignoreLabelId == null || v != ignoreLabelId)) {
        throw new DatasetFormatException(labelsFile + ": row " + example + ", position " + i + ": label " + v
            + " is outside [0, vocab_size=" + vocabSize + ") of " + metadataFile + " and is not the ignore label");
      }
    }
  }

  /** Checks every row of both arrays if they are small enough ({@link #OPEN_SCAN_ELEMENTS}); else does nothing. */
  void scanIfSmall(NpyArray inputs, NpyArray labels, int seqLen, long scanLimit) {
    long rows = inputs.shape()[0];
    if (2 * rows * seqLen > scanLimit) {
      return;
    }
    int[] buf = new int[SCAN_ROWS * seqLen];
    for (long first = 0; first < rows; first += SCAN_ROWS) {
      int n = (int) Math.min(SCAN_ROWS, rows - first);
      inputs.readInts(first * seqLen, buf, 0, n * seqLen);
      for (int r = 0; r < n; r++) {
        inputs(first + r, buf, r * seqLen, seqLen);
      }
      labels.readInts(first * seqLen, buf, 0, n * seqLen);
      for (int r = 0; r < n; r++) {
        labels(first + r, buf, r * seqLen, seqLen);
      }
    }
  }
}
