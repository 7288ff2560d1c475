package dev.trm.tests;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.cli.Trm;
import dev.trm.model.WeightTensor;
import dev.trm.training.Checkpoints;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trm worker} and {@code trm train} as a cluster of three processes on 127.0.0.1 (a chief and two workers,
 * each a child JVM with this test's class path): the same weights as one process with the same global batch, and a
 * {@code kill -9} of a worker stops the chief with an error naming the task, after which the restarted worker and
 * {@code trm train --resume} continue from the last checkpoint.
 */
@Tag("slow")
class ClusterTrainingTest {
  private static final Path REPO = Path.of(System.getProperty("trm.repo", ".."));
  private static final long BOUND_SECONDS = 300;

  @TempDir static Path dir;
  private static Path config;
  private final List<Process> started = new ArrayList<>();

  @BeforeAll
  static void writeConfig() throws IOException {
    config = dir.resolve("tiny.pbtxt");
    // Batch 12 divides over 3 replicas; a checkpoint every epoch.
    Files.writeString(config, TinyConfig.text(dir.resolve("data"), 4)
        .replaceAll("global_batch_size: \\d+", "global_batch_size: 12")
        .replaceAll("epochs: [0-9.e]+", "epochs: 100")
        .replaceAll("eval_interval: [0-9.e]+", "eval_interval: 1"));
  }

  @AfterEach
  void stopProcesses() {
    started.forEach(Process::destroyForcibly);
  }

  @Test
  void chiefAndTwoWorkersMatchOneProcess() throws Exception {
    Path single = dir.resolve("single");
    assertThat(Trm.run("train", "--config", config.toString(), "--run-dir", single.toString(), "--steps", "6"))
        .isEqualTo(0);
    Cluster c = Cluster.onFreePorts();
    startWorker(c, 0);
    startWorker(c, 1);
    Path clustered = dir.resolve("cluster");
    Process chief = startChief(c, clustered, "--config", config.toString(), "--run-dir", clustered.toString(),
        "--steps", "6");
    assertThat(chief.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(chief.exitValue()).isEqualTo(0);

    double worst = 0;
    for (boolean ema : new boolean[] {false, true}) {
      Map<String, WeightTensor> a = Checkpoints.readWeights(Checkpoints.latest(single), ema);
      Map<String, WeightTensor> b = Checkpoints.readWeights(Checkpoints.latest(clustered), ema);
      assertThat(b.keySet()).isEqualTo(a.keySet());
      for (String name : a.keySet()) {
        float[] x = a.get(name).data();
        float[] y = b.get(name).data();
        for (int i = 0; i < x.length; i++) {
          worst = Math.max(worst, Math.abs(x[i] - y[i]));
        }
      }
    }
    System.out.printf("chief + 2 worker processes vs one process after 6 steps: max |difference| %.3g%n", worst);
    assertThat(worst).isLessThan(5e-5);
  }

  @Test
  void killedWorkerStopsTheChiefAndResumeContinues() throws Exception {
    Cluster c = Cluster.onFreePorts();
    startWorker(c, 0);
    Process worker1 = startWorker(c, 1);
    Path run = dir.resolve("fault");
    // A step waits at most 60 s for a task (the first, with graph setup on every task, 5 x 60 s): the chief must
    // stop within 2 minutes of the kill.
    Process chief = startChief(c, run, "--config", config.toString(), "--run-dir", run.toString(),
        "--cluster-timeout", "60");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    while (!hasCheckpoint(run) && System.nanoTime() < deadline && chief.isAlive()) {
      Thread.sleep(200);
    }
    assertThat(hasCheckpoint(run)).isTrue();
    long killed = System.nanoTime();
    worker1.destroyForcibly(); // SIGKILL
    assertThat(chief.waitFor(120, TimeUnit.SECONDS)).isTrue();
    double stopSeconds = (System.nanoTime() - killed) / 1e9;
    String err = Files.readString(run.resolveSibling("fault-chief.err"));
    System.out.printf("chief stopped %.1f s after the kill: %s%n", stopSeconds, lastLine(err));
    assertThat(chief.exitValue()).isEqualTo(1);
    assertThat(lastLine(err)).contains("lost /job:worker/task:1");
    Path last = Checkpoints.latest(run);
    Checkpoints.verify(last);

    startWorker(c, 1);
    long resumedFrom = Checkpoints.readState(last).step();
    Process resumed = startChief(c, run.resolveSibling("fault-resume"), "--resume", run.toString(), "--steps",
        Long.toString(resumedFrom + 4));
    assertThat(resumed.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(resumed.exitValue()).isEqualTo(0);
    assertThat(Files.readString(run.resolveSibling("fault-resume-chief.out")))
        .contains("resumed from " + last + " at step " + resumedFrom);
    assertThat(Checkpoints.readState(Checkpoints.latest(run)).step()).isEqualTo(resumedFrom + 4);
  }

  /** Three free loopback ports: the chief's and two workers'. */
  private record Cluster(String chief, String workers) {
    static Cluster onFreePorts() throws IOException {
      return new Cluster("127.0.0.1:" + freePort(), "127.0.0.1:" + freePort() + ",127.0.0.1:" + freePort());
    }
  }

  private Process startWorker(Cluster c, int index) throws Exception {
    Path log = dir.resolve("worker-" + index + "-" + System.nanoTime() + ".out");
    Process p = start(log, log.resolveSibling(log.getFileName() + ".err"), "worker", "--chief", c.chief(),
        "--workers", c.workers(), "--task", "worker:" + index);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.readString(log).contains("trm worker: serving") && System.nanoTime() < deadline && p.isAlive()) {
      Thread.sleep(200);
    }
    assertThat(Files.readString(log)).contains("serving /job:worker/task:" + index);
    return p;
  }

  private Process startChief(Cluster c, Path run, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("train", "--chief", c.chief(), "--workers", c.workers(), "--task",
        "chief:0"));
    all.addAll(List.of(args));
    return start(run.resolveSibling(run.getFileName() + "-chief.out"),
        run.resolveSibling(run.getFileName() + "-chief.err"), all.toArray(String[]::new));
  }

  private Process start(Path out, Path err, String... trmArgs) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Trm.class.getName()));
    command.addAll(List.of(trmArgs));
    Files.createFile(out);
    Process p = new ProcessBuilder(command).directory(REPO.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    started.add(p);
    return p;
  }

  /** Whether a checkpoint is complete (they appear by an atomic rename). */
  private static boolean hasCheckpoint(Path run) throws IOException {
    Path dir = run.resolve("checkpoints");
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (var list = Files.list(dir)) {
      return list.anyMatch(p -> p.getFileName().toString().startsWith("step_"));
    }
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1];
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
