package dev.trm.tests;

import static com.google.common.truth.Truth.assertThat;

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
      Files.writeString(config, TinyConfig.text(data, 4));
      CapturedRun c = CapturedRun.of("train", "--config", config.toString(), "--run-dir", run.toString(),
          "--export");
      assertThat(c.code()).isEqualTo(0);
      return new TinyRun(data, run, c.out());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
