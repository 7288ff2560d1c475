package dev.trm.tests;

import static com.google.common.truth.Truth.assertThat;
import static dev.trm.tests.Captured.capture;

import dev.trm.cli.Trm;
import dev.trm.datasets.Npy;
import dev.trm.datasets.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's path through {@code trm}, as the README gives it, on the shared {@link TinyRun} (4x4 Sudoku, trained with
 * {@code trm train --export}, generating its data): evaluate the checkpoint, predict with the SavedModel; and the
 * one-line errors for bad input.
 */
class CommandLineEndToEndTest {
  @TempDir static Path dir;
  private static Path run;
  private static Path data;
  private static String trainOut;

  @BeforeAll
  static void trainTinyRun() {
    TinyRun tiny = TinyRun.get();
    data = tiny.data();
    run = tiny.run();
    trainOut = tiny.trainOut();
  }

  @Test
  void trainGeneratesDataAndWritesTheRunDirectory() throws IOException {
    assertThat(Files.exists(data.resolve("train/dataset.json"))).isTrue();
    assertThat(Files.exists(data.resolve("test/all__inputs.npy"))).isTrue();
    List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
    assertThat(metrics.stream().anyMatch(l -> l.contains("\"train/lm_loss\""))).isTrue();
    assertThat(metrics.stream().anyMatch(l -> l.contains("\"eval/exact_accuracy\""))).isTrue();
    try (Stream<Path> ckpts = Files.list(run.resolve("checkpoints"))) {
      assertThat(ckpts.map(p -> p.getFileName().toString()).anyMatch(n -> n.startsWith("step_"))).isTrue();
    }
    try (Stream<Path> events = Files.list(run.resolve("tensorboard"))) {
      assertThat(events.anyMatch(p -> p.getFileName().toString().contains("tfevents"))).isTrue();
    }
    assertThat(Files.exists(run.resolve("export/trm/1/saved_model.pb"))).isTrue();
    assertThat(trainOut).contains("serve it with");
  }

  @Test
  void evaluateReportsExactAccuracyOfTheCheckpoint() {
    Captured c = capture(() -> Trm.run("evaluate", "--checkpoint", run.toString()));
    assertThat(c.code()).isEqualTo(0);
    assertThat(c.out()).contains("eval/exact_accuracy");
  }

  @Test
  void predictWritesPredictionsInTheInputsLayout() {
    Path out = dir.resolve("preds.npy");
    Captured c = capture(() -> Trm.run("predict", "--model", run.resolve("export/trm").toString(),
        "--input", data.resolve("test").toString(), "--out", out.toString()));
    assertThat(c.code()).isEqualTo(0);
    NpyArray preds = Npy.read(out);
    NpyArray inputs = Npy.read(data.resolve("test/all__inputs.npy"));
    assertThat(preds.shape()).isEqualTo(inputs.shape());
    assertThat(c.out().toLowerCase()).contains("exact");
  }

  @Test
  void badInputGivesOneClearLineAndExitCodeOne() throws IOException {
    Captured missing = capture(() -> Trm.run("train", "--config", dir.resolve("nope.pbtxt").toString()));
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("nope.pbtxt");
    assertThat(missing.err()).doesNotContain("\tat ");

    Path typo = dir.resolve("typo.pbtxt");
    Files.writeString(typo, TinyRun.config(data).replace("  l_cycles: 1\n", "  l_cycles: 1\n  l_cylces: 1\n"));
    Captured unknown = capture(() -> Trm.run("train", "--config", typo.toString()));
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("typo.pbtxt:");
    assertThat(unknown.err()).contains("l_cylces");

    Captured corrupt = capture(() -> Trm.run("evaluate", "--checkpoint", dir.resolve("no-such-run").toString()));
    assertThat(corrupt.code()).isNotEqualTo(0);
    assertThat(corrupt.err()).contains("no-such-run");
    assertThat(corrupt.err()).doesNotContain("\tat ");
  }
}
