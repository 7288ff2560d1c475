package dev.trm.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.trm.cli.Trm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trm train} killed with SIGKILL at random moments (during a step, or right after a chosen fsync: inside a
 * checkpoint write, a pruning, a metrics or TensorBoard sync), some of them followed by a simulated power loss that
 * drops everything not yet fsynced ({@link SyncLog}); after each, {@code trm train --resume} carries on, and the run
 * ends with weights and a metrics log bit-identical to an uninterrupted run's.
 */
class CrashRecoveryTest {
  private static final long CHILD_SECONDS = 300;

  @TempDir static Path dir;
  private static Path config;

  @BeforeAll
  static void tinyConfig() throws IOException {
    config = dir.resolve("tiny.pbtxt");
    // Steps of 16 examples (3 an epoch); a checkpoint every 3 steps (eval_interval 1 epoch), the newest 2 (and the best) kept.
    Files.writeString(config, TinyConfig.text(dir.resolve("data"), 4)
        .replaceAll("epochs: [0-9.e]+", "epochs: 16")  // room for the slow test's 48 steps
        .replaceAll("eval_interval: [0-9.e]+", "eval_interval: 1")
        .replaceAll("checkpoints_keep: \\d+", "checkpoints_keep: 2")
        .replaceAll("l_layers: \\d+", "l_layers: 1"));  // a smaller graph builds faster in each child
  }

  /** An uninterrupted run of {@code steps} steps, to compare with. */
  private static Path reference(String steps) {
    Path reference = dir.resolve("reference-" + steps);
    assertThat(trm("train", "--config", config.toString(), "--run-dir", reference.toString(), "--steps", steps))
        .isEqualTo(0);
    return reference;
  }

  @Test
  void threeKillsAndAPowerLoss() throws Exception {
    crashAndResume("three", 3, 12, "12");
  }

  @Test
  @Tag("slow")
  void twentyKillsAndPowerLosses() throws Exception {
    // Long enough that most of the twenty moments find the run still training, not finished.
    crashAndResume("twenty", 20, 1234, "48");
  }

  /** Kills {@code moments} children of one run, resuming each time, then finishes it and compares. */
  private static void crashAndResume(String name, int moments, long seed, String steps) throws Exception {
    Path reference = reference(steps);
    Path run = dir.resolve(name);
    Path log = dir.resolve(name + ".syncs");
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < moments; i++) {
      // The first child starts the run and is killed only once it has a checkpoint to resume from.
      List<String> args = i == 0
          ? List.of("train", "--config", config.toString(), "--run-dir", run.toString(), "--steps", steps)
          : List.of("train", "--resume", run.toString(), "--steps", steps);
      boolean atSync = i > 0 && i % 3 != 1;
      boolean powerLoss = i % 3 == 2;
      int stopAt = atSync ? 1 + random.nextInt(35) : 0;  // a resumed child makes about 40 fsyncs
      String moment = killOnce(run, log, args, stopAt, i == 0 ? 0 : random.nextInt(3000));
      List<String> lost = powerLoss ? SyncLog.losePower(run, log) : List.of();
      System.out.printf("moment %d: %s%s%n", i, moment, powerLoss ? "; power loss: " + lost : "");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = trm("train", "--resume", run.toString(), "--steps", steps);
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    String resumed = out.toString(StandardCharsets.UTF_8);
    stdout.print(resumed);
    stderr.print(err.toString(StandardCharsets.UTF_8));
    // A run that some child already finished is not trained again: the resume is refused, and what it left is compared.
    if (code != 0) {
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("already the target of " + steps + " steps");
    }
    Path last = run.resolve("checkpoints/step_" + steps);
    Path expected = reference.resolve("checkpoints/step_" + steps);
    for (String file : new String[] {"ckpt.index", "ckpt.data-00000-of-00001"}) {
      assertWithMessage(file).that(Files.readAllBytes(last.resolve(file)))
          .isEqualTo(Files.readAllBytes(expected.resolve(file)));
    }
    // Training lines exactly; evaluation lines as a set, since resuming a finished run evaluates its end again.
    // Wall-clock fields (time/...) differ between any two runs and are left out.
    List<String> lines = withoutClock(Files.readAllLines(run.resolve("metrics.jsonl")));
    List<String> expectedLines = withoutClock(Files.readAllLines(reference.resolve("metrics.jsonl")));
    assertThat(lines.stream().filter(l -> l.contains("train/")).toList())
        .containsExactlyElementsIn(expectedLines.stream().filter(l -> l.contains("train/")).toList()).inOrder();
    assertThat(Set.copyOf(lines)).isEqualTo(Set.copyOf(expectedLines));
    try (var leftovers = Files.list(run.resolve("checkpoints"))) {
      assertThat(leftovers.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList()).isEmpty();
    }
  }

  /**
   * Starts {@code trm args} in a child JVM and kills it (SIGKILL, by pid): right after its {@code stopAt}-th fsync
   * if that is positive, else {@code delayMillis} after it starts training (the first child: once it has written
   * a checkpoint). Returns a description of the moment.
   */
  private static String killOnce(Path run, Path log, List<String> args, int stopAt, int delayMillis)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "child", ".out");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        CrashingTrm.class.getName(), log.toString(), Integer.toString(stopAt)));
    command.addAll(args);
    Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_SECONDS);
      String marker = stopAt > 0 ? CrashingTrm.STOPPED : "training from step";
      while (!Files.readString(out).contains(marker) || (args.contains("--config") && !hasCheckpoint(run))) {
        if (!child.isAlive()) {
          return "finished before the moment (" + lastLine(out) + ")";
        }
        assertWithMessage("child did not reach its moment in time").that(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(20);
      }
      if (stopAt == 0) {
        Thread.sleep(delayMillis);
      }
      String at = stopAt > 0 ? "after fsync " + stopAt + " (" + lastLine(log) + ")" : delayMillis + " ms into training";
      child.destroyForcibly();  // SIGKILL
      child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS);
      return "killed " + at + ", last output: " + lastLine(out);
    } finally {
      child.destroyForcibly();
    }
  }

  private static boolean hasCheckpoint(Path run) throws IOException {
    Path checkpoints = run.resolve("checkpoints");
    if (!Files.isDirectory(checkpoints)) {
      return false;
    }
    try (var s = Files.list(checkpoints)) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith("step_"));
    }
  }

  private static String lastLine(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
    String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    return last.length() > 160 ? last.substring(0, 160) + "..." : last;
  }

  private static int trm(String... args) {
    return Trm.run(args);
  }

  private static List<String> withoutClock(List<String> lines) {
    return lines.stream().map(l -> l.replaceAll(",\"time/[^\"]*\":[-0-9.eE]+", "")).toList();
  }
}
