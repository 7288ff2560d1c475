package dev.trm.export.predict;

/**
 * Consecutive puzzles of an input, row-major: {@code inputs} [rows, seqLen], {@code puzzleIds} [rows], and
 * {@code labels} [rows, seqLen] (-100 = not scored) or null when the input has no answers.
 */
public record PuzzleChunk(int rows, int seqLen, int[] inputs, int[] puzzleIds, int[] labels) {
  public PuzzleChunk {
    if (inputs.length != rows * seqLen || puzzleIds.length != rows
        || (labels != null && labels.length != rows * seqLen)) {
      throw new IllegalArgumentException("chunk arrays do not match [" + rows + ", " + seqLen + "]");
    }
  }
}
