package dev.trm.tests;

import static com.google.common.truth.Truth.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trm train} refuses what would mix or destroy a run, never ignores {@code --steps}, checks a resume before
 * building the graph, and stops on SIGINT/SIGTERM with a checkpoint to resume from.
 */
class TrainingConductTest {
  @TempDir static Path dir;
  private static Path config;
  private static Path run;
  private static String trainOut;

  @BeforeAll
  static void trainThreeSteps() throws IOException {
    config = dir.resolve("tiny.pbtxt");
    Files.writeString(config, TinyConfig.text(dir.resolve("data"), 4));
    run = dir.resolve("run");
    CapturedRun c = CapturedRun.of("train", "--config", config.toString(), "--run-dir", run.toString(), "--steps", "3");
    assertThat(c.code()).isEqualTo(0);
    trainOut = c.out();
  }

  @Test
  void evaluationsArePrintedOnLinesOfTheirOwn() {
    // Not inside the progress bar's line, which a log cuts at its width.
    assertThat(trainOut.lines().anyMatch(l -> l.matches("step 3: eval/exact_accuracy \\d\\.\\d{4}"))).isTrue();
  }

  @Test
  void stepsBelowOneAreRefused() {
    for (String steps : new String[] {"0", "-5"}) {
      CapturedRun c = CapturedRun.of("train", "--config", config.toString(), "--run-dir",
          dir.resolve("never-" + steps).toString(), "--steps", steps);
      assertThat(c.code()).isEqualTo(1);
      assertThat(c.err()).contains("--steps must be at least 1, got " + steps);
      assertThat(Files.exists(dir.resolve("never-" + steps))).isFalse();
    }
  }

  @Test
  void anExistingRunDirectoryIsRefusedAndLeftAlone() throws IOException {
    List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
    List<String> checkpoints = checkpoints(run);
    CapturedRun c = CapturedRun.of("train", "--config", config.toString(), "--run-dir", run.toString());
    assertThat(c.code()).isEqualTo(1);
    assertThat(c.err()).contains("already exists and is not empty");
    assertThat(c.err()).contains("--resume " + run);
    assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).isEqualTo(metrics);
    assertThat(checkpoints(run)).isEqualTo(checkpoints);
  }

  @Test
  void aResumeKeepsTheRunsStepTargetAndIsCheckedBeforeTheGraphIsBuilt() throws IOException {
    List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
    CapturedRun done = CapturedRun.of("train", "--resume", run.toString());
    assertThat(done.code()).isEqualTo(1);
    assertThat(done.err()).contains("already the target of 3 steps");
    assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).isEqualTo(metrics);

    Path wider = dir.resolve("wider.pbtxt");
    Files.writeString(wider, Files.readString(config).replace("hidden_size: 16", "hidden_size: 32")
        .replace("puzzle_emb_ndim: 16", "puzzle_emb_ndim: 32"));
    CapturedRun misfit = CapturedRun.of("train", "--resume", run.toString(), "--config", wider.toString(), "--steps",
        "5");
    assertThat(misfit.code()).isEqualTo(1);
    assertThat(misfit.err()).contains("arch.hidden_size 16 (checkpoint) vs 32 (now)");
    assertThat(misfit.out()).doesNotContain("graph built");
  }

  @Test
  void aDatasetThatDoesNotMatchTheGenerationBlockIsRefused() throws IOException {
    Path other = dir.resolve("other.pbtxt");
    Files.writeString(other, Files.readString(config).replace("train_puzzles: 48", "train_puzzles: 60"));
    CapturedRun c = CapturedRun.of("train", "--config", other.toString(), "--run-dir", dir.resolve("other").toString());
    assertThat(c.code()).isEqualTo(1);
    assertThat(c.err()).contains("does not match the config's generate_sudoku block");
    assertThat(c.err()).contains("train_puzzles: 60");
    assertThat(Files.exists(dir.resolve("data/train/dataset.json"))).isTrue();
  }

  @Test
  void sigintStopsAfterTheStepWritesACheckpointAndSaysHowToResume() throws Exception {
    stopsGracefully("INT", 130);
  }

  @Test
  @Tag("slow")
  void sigtermStopsTheSameWay() throws Exception {
    stopsGracefully("TERM", 143);
  }

  private static void stopsGracefully(String signal, int exitCode) throws Exception {
    Path longConfig = dir.resolve("long-" + signal + ".pbtxt");
    Files.writeString(longConfig, Files.readString(config).replaceAll("epochs: [0-9.e]+", "epochs: 100000"));
    Path stopped = dir.resolve("stopped-" + signal);
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.trm.cli.Trm",
        "train", "--config", longConfig.toString(), "--run-dir", stopped.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      StringBuilder out = new StringBuilder();
      CountDownLatch training = new CountDownLatch(1);
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            synchronized (out) {
              out.append(line).append('\n');
            }
            if (line.contains("training from step")) {
              training.countDown();
            }
          }
        } catch (IOException e) {
          // the process ended
        }
      });
      reader.start();
      assertThat(training.await(180, TimeUnit.SECONDS)).isTrue();
      awaitATrainingStep(stopped.resolve("metrics.jsonl"));
      new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
      assertThat(p.exitValue()).isEqualTo(exitCode);
      String text;
      synchronized (out) {
        text = out.toString();
      }
      assertThat(text).contains("SIG" + signal + ": stopped at step");
      assertThat(text).contains("continue with:  trm train --resume " + stopped);
      List<String> saved = checkpoints(stopped);
      assertThat(saved).isNotEmpty();
      long step = Long.parseLong(saved.get(saved.size() - 1).substring("step_".length()));
      assertThat(step).isGreaterThan(0L);

      CapturedRun resumed = CapturedRun.of("train", "--resume", stopped.toString(), "--steps",
          Long.toString(step + 1));
      assertThat(resumed.code()).isEqualTo(0);
      assertThat(resumed.out()).contains("at step " + step);
    } finally {
      p.destroyForcibly();
    }
  }

  /** Waits until the run has logged a training step (its first step can take seconds on a busy machine). */
  private static void awaitATrainingStep(Path metrics) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(metrics) || !Files.readString(metrics).contains("train/lm_loss")) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static List<String> checkpoints(Path runDir) throws IOException {
    try (Stream<Path> s = Files.list(runDir.resolve("checkpoints"))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step_"))
          .sorted((a, b) -> Long.compare(Long.parseLong(a.substring(5)), Long.parseLong(b.substring(5)))).toList();
    }
  }
}
