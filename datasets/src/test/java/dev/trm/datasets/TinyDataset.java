package dev.trm.datasets;

import java.nio.file.Path;

/**
 * Writes small datasets whose rows say where they come from: inputs = [example % 256, example / 256, puzzle, 1],
 * labels = [0 (ignored), example % 256, 3, 4]. Puzzle p gets identifier p + 1.
 */
final class TinyDataset {
  static final int SEQ_LEN = 4;

  private TinyDataset() {}

  /** {@code groups[g][k]} = number of examples of the k-th puzzle of group g. */
  static DatasetMetadata write(Path dir, String split, int[][] groups) {
    int puzzle = 0;
    int example = 0;
    int puzzles = 0;
    for (int[] g : groups) {
      puzzles += g.length;
    }
    try (DatasetWriter w = DatasetWriter.create(dir, split, SEQ_LEN)) {
      for (int[] group : groups) {
        w.beginGroup();
        for (int size : group) {
          w.beginPuzzle(puzzle + 1);
          for (int e = 0; e < size; e++) {
            w.addExample(new int[] {example % 256, example / 256, puzzle, 1}, new int[] {0, example % 256, 3, 4});
            example++;
          }
          puzzle++;
        }
      }
      return w.finish(DatasetMetadata.template(256, SEQ_LEN, puzzles + 1));
    }
  }

  /** The example index a batch row came from. */
  static int exampleOf(Batch b, int row) {
    return b.inputs()[row * SEQ_LEN] + 256 * b.inputs()[row * SEQ_LEN + 1];
  }

  /** The puzzle index a batch row came from. */
  static int puzzleOf(Batch b, int row) {
    return b.inputs()[row * SEQ_LEN + 2];
  }
}
