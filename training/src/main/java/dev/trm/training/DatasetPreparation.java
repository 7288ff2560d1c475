package dev.trm.training;

import dev.trm.model.config.DataConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes sure the config's dataset exists: an existing {@code data.path} is used as it is; a missing one is generated
 * there first when the config has a {@code generate_sudoku} or {@code generate_maze} block.
 */
final class DatasetPreparation {
  private DatasetPreparation() {}

  /** The dataset directory of {@code data}, generated first if needed. */
  static Path ensure(DataConfig data, PrintStream out) {
    Path dir = Path.of(data.getPath());
    if (Files.exists(dir.resolve("train")) && Files.exists(dir.resolve("test"))) {
      return dir;
    }
    if (data.hasGenerateSudoku() || data.hasGenerateMaze()) {
      throw new IllegalStateException("dataset generation is not wired in yet: " + dir);
    }
    throw new IllegalArgumentException("dataset " + dir + " not found (expected " + dir.resolve("train") + " and "
        + dir.resolve("test") + "); build it with `trm build-dataset`, or add a generate_sudoku/generate_maze block "
        + "to the config's data section");
  }
}
