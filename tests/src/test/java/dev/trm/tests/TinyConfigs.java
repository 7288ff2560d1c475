package dev.trm.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The main job's config, shrunk for end-to-end tests: generated Sudoku, hidden 16, 3 ACT steps, a dozen steps. */
final class TinyConfigs {
  private static final Path REPO = Path.of(System.getProperty("trm.repo", ".."));

  private TinyConfigs() {}

  /** A tiny config named {@code name}: {@code size}x{@code size} Sudoku with {@code givens}, generated into {@code data}. */
  static String sudoku(String name, Path data, int size, int givens) throws IOException {
    return Files.readString(REPO.resolve("configs/sudoku6-cpu.pbtxt"))
        .replaceAll("name: \"[^\"]*\"", "name: \"" + name + "\"")
        .replaceAll("path: \"[^\"]*\"", "path: \"" + data + "\"")
        .replaceAll("generate_sudoku \\{[^}]*}", "generate_sudoku { size: " + size + " givens: " + givens
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
