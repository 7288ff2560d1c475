package dev.trm.tests;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.cli.Trm;
import dev.trm.datasets.Npy;
import dev.trm.datasets.NpyArray;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's path through {@code trm}, as the README gives it, on a tiny generated 4x4 Sudoku: train (generating the
 * data) with export, evaluate the checkpoint, predict with the SavedModel; and the one-line errors for bad input.
 */
class CommandLineEndToEndTest {
  private static final Path REPO = Path.of(System.getProperty("trm.repo", ".."));

  @TempDir static Path dir;
  private static Path run;
  private static Path data;
  private static String trainOut;

  @BeforeAll
  static void trainTinyRun() throws IOException {
    data = dir.resolve("data");
    run = dir.resolve("run");
    Path config = dir.resolve("tiny.pbtxt");
    Files.writeString(config, tinyConfig(data));
    Captured c = capture(() -> Trm.run("train", "--config", config.toString(), "--run-dir", run.toString(), "--export"));
    trainOut = c.out;
    assertThat(c.code).isEqualTo(0);
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
    assertThat(c.code).isEqualTo(0);
    assertThat(c.out).contains("eval/exact_accuracy");
  }

  @Test
  void predictWritesPredictionsInTheInputsLayout() {
    Path out = dir.resolve("preds.npy");
    Captured c = capture(() -> Trm.run("predict", "--model", run.resolve("export/trm").toString(),
        "--input", data.resolve("test").toString(), "--out", out.toString()));
    assertThat(c.code).isEqualTo(0);
    NpyArray preds = Npy.read(out);
    NpyArray inputs = Npy.read(data.resolve("test/all__inputs.npy"));
    assertThat(preds.shape()).isEqualTo(inputs.shape());
    assertThat(c.out.toLowerCase()).contains("exact");
  }

  @Test
  void badInputGivesOneClearLineAndExitCodeOne() throws IOException {
    Captured missing = capture(() -> Trm.run("train", "--config", dir.resolve("nope.pbtxt").toString()));
    assertThat(missing.code).isEqualTo(1);
    assertThat(missing.err).contains("nope.pbtxt");
    assertThat(missing.err).doesNotContain("\tat ");

    Path typo = dir.resolve("typo.pbtxt");
    Files.writeString(typo, tinyConfig(data).replace("  l_cycles: 1\n", "  l_cycles: 1\n  l_cylces: 1\n"));
    Captured unknown = capture(() -> Trm.run("train", "--config", typo.toString()));
    assertThat(unknown.code).isEqualTo(1);
    assertThat(unknown.err).contains("typo.pbtxt:");
    assertThat(unknown.err).contains("l_cylces");

    Captured corrupt = capture(() -> Trm.run("evaluate", "--checkpoint", dir.resolve("no-such-run").toString()));
    assertThat(corrupt.code).isNotEqualTo(0);
    assertThat(corrupt.err).contains("no-such-run");
    assertThat(corrupt.err).doesNotContain("\tat ");
  }

  /** The main job's config, shrunk: 4x4 Sudoku, hidden 16, a dozen steps. */
  static String tinyConfig(Path data) throws IOException {
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

  private record Captured(int code, String out, String err) {}

  private static Captured capture(java.util.function.IntSupplier command) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = command.getAsInt();
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    String o = out.toString(StandardCharsets.UTF_8);
    String e = err.toString(StandardCharsets.UTF_8);
    oldOut.print(o);
    oldErr.print(e);
    return new Captured(code, o, e);
  }
}
