package dev.trm.tests;

import static com.google.common.truth.Truth.assertThat;
import static dev.trm.tests.Captured.capture;

import dev.trm.cli.Trm;
import dev.trm.datasets.OutputDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny run trained with {@code trm train --export} as the README gives it, on generated 4x4 Sudoku: made once per
 * test JVM and shared by the end-to-end test classes (training is most of their cost), deleted when the JVM exits.
 *
 * @param data the generated dataset ({@code train/}, {@code test/})
 * @param run the run directory (checkpoints, metrics, {@code export/trm/1})
 * @param trainOut what {@code trm train} printed
 */
record TinyRun(Path data, Path run, String trainOut) {
  static final Path REPO = Path.of(System.getProperty("trm.repo", ".."));

  private static TinyRun shared;

  /** The shared run, trained on first use. */
  static synchronized TinyRun get() {
    if (shared == null) {
      shared = train();
    }
    return shared;
  }

  /** The exported model base path ({@code <run>/export/trm}). */
  Path modelBase() {
    return run.resolve("export/trm");
  }

  private static TinyRun train() {
    try {
      Path dir = Files.createTempDirectory("trm-tiny-run");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> OutputDirectory.deleteTree(dir)));
      Path data = dir.resolve("data");
      Path run = dir.resolve("run");
      Path config = dir.resolve("tiny.pbtxt");
      Files.writeString(config, config(data));
      Captured c = capture(() -> Trm.run("train", "--config", config.toString(), "--run-dir", run.toString(),
          "--export"));
      assertThat(c.code()).isEqualTo(0);
      return new TinyRun(data, run, c.out());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The main job's config, shrunk: 4x4 Sudoku generated into {@code data}, hidden 16, a dozen steps. */
  static String config(Path data) throws IOException {
    String cpu = Files.readString(REPO.resolve("configs/sudoku6-cpu.pbtxt"));
    return cpu
        .replaceAll("name: \"[^\"]*\"", "name: \"tiny\"")
        .replaceAll("path: \"[^\"]*\"", "path: \"" + data + "\"")
        .replaceAll("generate_sudoku \\{[^}]*}",
            "generate_sudoku { size: 4 givens: 8 train_puzzles: 48 test_puzzles: 16 augmentations: 1 seed: 3 }")
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
