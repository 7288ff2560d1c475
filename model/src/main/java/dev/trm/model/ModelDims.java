package dev.trm.model;

/**
 * The sizes a model takes from its dataset's {@code dataset.json} rather than from the config.
 *
 * @param vocabSize token ids are in [0, vocabSize)
 * @param seqLen grid cells per example (81 Sudoku, 900 Maze/ARC)
 * @param numPuzzleIdentifiers rows of the puzzle-embedding table
 */
public record ModelDims(int vocabSize, int seqLen, int numPuzzleIdentifiers) {
  public ModelDims {
    if (vocabSize < 2 || seqLen < 1 || numPuzzleIdentifiers < 1) {
      throw new IllegalArgumentException(
          "bad model dims: vocab " + vocabSize + ", seq_len " + seqLen + ", puzzle ids " + numPuzzleIdentifiers);
    }
  }
}
