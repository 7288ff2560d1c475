package dev.trm.tests;

import static com.google.common.truth.Truth.assertThat;

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
    CapturedRun c = CapturedRun.of("evaluate", "--checkpoint", run.toString());
    assertThat(c.code()).isEqualTo(0);
    assertThat(c.out()).contains("eval/exact_accuracy");
  }

  @Test
  void predictWritesPredictionsInTheInputsLayout() {
    Path out = dir.resolve("preds.npy");
    CapturedRun c = CapturedRun.of("predict", "--model", run.resolve("export/trm").toString(),
        "--input", data.resolve("test").toString(), "--out", out.toString());
    assertThat(c.code()).isEqualTo(0);
    NpyArray preds = Npy.read(out);
    NpyArray inputs = Npy.read(data.resolve("test/all__inputs.npy"));
    assertThat(preds.shape()).isEqualTo(inputs.shape());
    assertThat(c.out().toLowerCase()).contains("exact");
  }

  @Test
  void aSymbolTheModelWasNotTrainedOnIsNamedWithItsCsvLine() throws IOException {
    // A 4x4 model knows digits 1-4; the 9 on line 4 (after a blank line 3) has no embedding.
    Path csv = Files.writeString(dir.resolve("wide.csv"), "source,question,answer,rating\nx,1234............,,0\n"
        + "\ny,.....9..........,,0\n");
    CapturedRun c = CapturedRun.of("predict", "--model", run.resolve("export/trm").toString(), "--input",
        csv.toString(), "--out", dir.resolve("wide-preds.csv").toString());
    assertThat(c.code()).isEqualTo(1);
    assertThat(c.err()).contains(csv + " line 4: cell 5 is token 10, outside the model's vocabulary of 6 tokens");
    assertThat(Files.exists(dir.resolve("wide-preds.csv"))).isFalse();
  }

  @Test
  void theMainJobDrawsItsPicturesAndSaysWhere() {
    assertThat(trainOut).contains("pictures:");
    assertThat(trainOut).contains("film strip:");
    for (String file : List.of("curves.png", "curves.svg", "accuracy_per_step.png", "show/puzzle-0.png",
        "show/puzzle-0-steps.png", "show/puzzle-0-steps.gif")) {
      assertThat(Files.exists(run.resolve(file))).isTrue();
    }
  }

  @Test
  void showPlotAndEvaluateDrawOnRequest() {
    Path show = dir.resolve("show");
    CapturedRun shown = CapturedRun.of("show", "--model", run.toString(), "--input",
        data.resolve("test").toString(), "--index", "1,3", "--steps", "5", "--out", show.toString());
    assertThat(shown.code()).isEqualTo(0);
    assertThat(shown.out()).contains("puzzle 3: 5 ACT steps drawn");
    assertThat(Files.exists(show.resolve("puzzle-3-steps.gif"))).isTrue();

    CapturedRun plotted = CapturedRun.of("plot", run.toString(), run.toString(), "--out",
        dir.resolve("both.png").toString());
    assertThat(plotted.code()).isEqualTo(0);
    assertThat(Files.exists(dir.resolve("both.svg"))).isTrue();

    CapturedRun evaluated = CapturedRun.of("evaluate", "--checkpoint", run.toString(), "--steps", "5",
        "--plot", dir.resolve("steps.png").toString());
    assertThat(evaluated.code()).isEqualTo(0);
    assertThat(evaluated.out()).contains("step  5");
    assertThat(evaluated.out()).contains("the halting head stopped");
    assertThat(evaluated.out()).containsMatch("eval/exact_accuracy +[0-9.]+ +95% \\[");
    assertThat(Files.exists(dir.resolve("steps.png"))).isTrue();

    CapturedRun outOfRange = CapturedRun.of("show", "--model", run.toString(), "--input",
        data.resolve("test").toString(), "--index", "999", "--out", show.toString());
    assertThat(outOfRange.code()).isEqualTo(1);
    assertThat(outOfRange.err()).contains("--index 999 is out of range");
    CapturedRun notARun = CapturedRun.of("plot", data.toString());
    assertThat(notARun.code()).isEqualTo(1);
    assertThat(notARun.err()).contains("has no metrics.jsonl");
  }

  @Test
  void badInputGivesOneClearLineAndExitCodeOne() throws IOException {
    CapturedRun missing = CapturedRun.of("train", "--config", dir.resolve("nope.pbtxt").toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("nope.pbtxt");
    assertThat(missing.err()).doesNotContain("\tat ");

    Path typo = dir.resolve("typo.pbtxt");
    Files.writeString(typo, TinyConfig.text(data, 4).replace("  l_cycles: 1\n", "  l_cycles: 1\n  l_cylces: 1\n"));
    CapturedRun unknown = CapturedRun.of("train", "--config", typo.toString());
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("typo.pbtxt:");
    assertThat(unknown.err()).contains("l_cylces");

    CapturedRun corrupt = CapturedRun.of("evaluate", "--checkpoint", dir.resolve("no-such-run").toString());
    assertThat(corrupt.code()).isNotEqualTo(0);
    assertThat(corrupt.err()).contains("no-such-run");
    assertThat(corrupt.err()).doesNotContain("\tat ");
  }
}
