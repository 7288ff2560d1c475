package dev.trm.datasets;

/**
 * One batch, row-major: {@code inputs} and {@code labels} are {@code [batchSize, seqLen]}, {@code puzzleIds} is
 * {@code [batchSize]}. Labels already have the dataset's ignore id mapped to {@link #IGNORE_LABEL}. Rows
 * {@code >= valid} are padding: inputs = pad id, labels = {@link #IGNORE_LABEL}, puzzle id = the blank identifier.
 */
public record Batch(int batchSize, int seqLen, int[] inputs, int[] labels, int[] puzzleIds, int valid) {
  /** The label value excluded from the loss (PyTorch's ignore_index). */
  public static final int IGNORE_LABEL = -100;

  public Batch {
    if (inputs.length != batchSize * seqLen || labels.length != batchSize * seqLen || puzzleIds.length != batchSize) {
      throw new IllegalArgumentException("batch arrays do not match [" + batchSize + ", " + seqLen + "]");
    }
    if (valid < 0 || valid > batchSize) {
      throw new IllegalArgumentException("valid " + valid + " outside [0, " + batchSize + "]");
    }
  }
}
