package dev.trm.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The main job's config, shrunk for tests: hidden 16, T=2, n=1, 3 ACT steps, batch 16, a few epochs. */
final class TinyConfig {
  static final Path REPO = Path.of(System.getProperty("trm.repo", ".."));

  private TinyConfig() {}

  /**
   * The shrunk config with its dataset at {@code data}, generated as {@code size}x{@code size} Sudoku (4 or 6) with
   * 48 train and 16 test puzzles.
   */
  static String text(Path data, int size) throws IOException {
    String cpu = Files.readString(REPO.resolve("configs/sudoku6-cpu.pbtxt"));
    return cpu
        .replaceAll("name: \"[^\"]*\"", "name: \"tiny\"")
        .replaceAll("path: \"[^\"]*\"", "path: \"" + data + "\"")
        .replaceAll("generate_sudoku \\{[^}]*}", "generate_sudoku { size: " + size + " givens: " + 2 * size
            + " train_puzzles: 48 test_puzzles: 16 augmentations: 1 seed: 3 }")
        .replaceAll("hidden_size: \\d+", "hidden_size: 16")
        .replaceAll("puzzle_emb_ndim: \\d+", "puzzle_emb_ndim: 16")
        .replaceAll("num_heads: \\d+", "num_heads: 2")
        .replaceAll("h_cycles: \\d+", "h_cycles: 2")
        .replaceAll("l_cycles: \\d+", "l_cycles: 1")
        .replaceAll("halt_max_steps: \\d+", "halt_max_steps: 3")
        .replaceAll("global_batch_size: \\d+", "global_batch_size: 16")
        .replaceAll("epochs: [0-9.e]+", "epochs: 4")
        .replaceAll("eval_interval: [0-9.e]+", "eval_interval: 2")
        .replaceAll("max_train_seconds: [0-9.e]+", "max_train_seconds: 0")
        .replaceAll("eval \\{[^}]*}", "eval { batch_size: 16 max_examples: 0 aggregated_voting: false }");
  }
}
