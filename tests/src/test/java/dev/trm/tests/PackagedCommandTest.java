package dev.trm.tests;

import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/trm} as a user runs it: the packaged jar and the runtime class path that {@code mvn package} copies
 * into {@code cli/target/lib} (the other end-to-end tests run {@code trm} on the test class path, which holds
 * test-scoped libraries too, so a library missing at run time would pass them). {@code mvn verify} packages the cli
 * module before this module's tests run; a build that stops earlier skips this test, saying so.
 */
class PackagedCommandTest {
  @TempDir static Path dir;

  @Test
  void binTrmTrainsATinyRunOnItsOwnClassPath() throws IOException, InterruptedException {
    Path lib = TinyConfig.REPO.resolve("cli/target/lib");
    assumeTrue(Files.isDirectory(lib), "cli is not packaged (run mvn verify, or mvn package first): " + lib);
    Path config = dir.resolve("tiny.pbtxt");
    Files.writeString(config, TinyConfig.text(dir.resolve("data"), 4));
    Path log = dir.resolve("train.log");
    Process p = new ProcessBuilder(List.of("bash", "bin/trm", "train", "--config", config.toString(), "--run-dir",
        dir.resolve("run").toString(), "--steps", "2"))
        .directory(TinyConfig.REPO.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertWithMessage("bin/trm train still running after 5 minutes").that(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
      assertWithMessage("bin/trm train: %s", Files.readString(log)).that(p.exitValue()).isEqualTo(0);
    } finally {
      p.destroyForcibly();
    }
    // The run used every part of the runtime path: data generation (JSON), TensorFlow, checkpoints and pictures.
    assertWithMessage("dataset.json").that(Files.exists(dir.resolve("data/train/dataset.json"))).isTrue();
    assertWithMessage("a checkpoint").that(Files.exists(dir.resolve("run/checkpoints/step_2"))).isTrue();
    assertWithMessage("curves.png").that(Files.exists(dir.resolve("run/curves.png"))).isTrue();
  }
}
