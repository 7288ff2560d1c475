package dev.trm.training;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.model.config.TrmConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints are written whole and refused when damaged: a flipped byte, a missing or truncated file, a directory
 * that is no checkpoint, a config that does not fit; the newest valid one is found past damaged ones. Retention
 * keeps the newest N and the best, and nothing while the newest does not verify.
 */
class CheckpointsTest {
  @TempDir static Path dir;
  private static TrmConfig config;
  private static Trainer.Outcome outcome;

  @BeforeAll
  static void train() {
    Path data = TinyRuns.writeDataset(dir.resolve("data"), 40, 8, 3);
    // An evaluation (and checkpoint) every 5 steps; keep 2.
    config = TinyRuns.config(data, "epochs: 5 eval_interval: 1 optimizer: ADAMW lr: 3e-3 weight_decay: 0.1 "
        + "puzzle_emb_lr: 1e-2 ema_rate: 0.9", "puzzle_emb_ndim: 16 halt_max_steps: 4 halt_exploration_prob: 0.1");
    outcome = new Trainer(new Trainer.Options(config, new RunDirectory(dir.resolve("run")), null, 0),
        new PrintStream(new ByteArrayOutputStream())).run();
  }

  @Test
  void keepsTheNewestAndTheBestAndNoTemporaries() throws IOException {
    List<String> names;
    try (Stream<Path> s = Files.list(outcome.runDir().checkpoints())) {
      names = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    // Five checkpoints were written (steps 5..25); the newest two stay, plus the best if it is older.
    assertThat(names).containsAtLeast("step_20", "step_25");
    assertThat(names.size()).isAtMost(3);
    assertThat(names).contains(outcome.bestCheckpoint().getFileName().toString());
    assertThat(names.stream().filter(n -> n.startsWith(".")).toList()).isEmpty();
  }

  @Test
  void anIntactCheckpointVerifies() {
    Checkpoints.verify(outcome.lastCheckpoint());
  }

  @Test
  void aFlippedByteIsRefused() throws IOException {
    Path copy = copyOfLast("flipped");
    Path data = copy.resolve("ckpt.data-00000-of-00001");
    byte[] bytes = Files.readAllBytes(data);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(data, bytes);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.readWeights(copy, true));
    assertThat(e).hasMessageThat().contains("ckpt.data-00000-of-00001 does not match its SHA-256");
  }

  @Test
  void aMissingFileIsRefused() throws IOException {
    Path copy = copyOfLast("missing");
    Files.delete(copy.resolve("state.json"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.readState(copy));
    assertThat(e).hasMessageThat().contains("incomplete: state.json is missing");
  }

  @Test
  void aTruncatedFileIsRefused() throws IOException {
    Path copy = copyOfLast("truncated");
    Path index = copy.resolve("ckpt.index");
    byte[] bytes = Files.readAllBytes(index);
    Files.write(index, java.util.Arrays.copyOf(bytes, bytes.length - 7));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.verify(copy));
    assertThat(e).hasMessageThat().contains("ckpt.index has " + (bytes.length - 7) + " bytes");
    assertThat(e).hasMessageThat().contains("(truncated)");
  }

  @Test
  void aDirectoryWithoutManifestIsNotACheckpoint() throws IOException {
    Path foreign = Files.createDirectories(dir.resolve("foreign/step_3"));
    Files.writeString(foreign.resolve("ckpt.index"), "not a checkpoint");
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.readConfig(foreign));
    assertThat(e).hasMessageThat().contains("is not a trm-java checkpoint: it has no manifest.json");
  }

  @Test
  void resumingFromADamagedCheckpointFailsAndLeavesItAlone() throws IOException {
    Path copy = copyOfLast("damaged-resume");
    Path state = copy.resolve("state.json");
    Files.writeString(state, Files.readString(state).replace("\"step\" : 25", "\"step\" : 24"));
    byte[] before = Files.readAllBytes(state);
    Trainer resume = new Trainer(new Trainer.Options(config, new RunDirectory(dir.resolve("resumed")), copy, 0),
        new PrintStream(new ByteArrayOutputStream()));
    CheckpointException e = assertThrows(CheckpointException.class, resume::run);
    assertThat(e).hasMessageThat().contains("state.json");
    assertThat(Files.readAllBytes(state)).isEqualTo(before);
  }

  @Test
  void aCheckpointOfAnotherModelIsRefusedNamingTheKeys() {
    TrmConfig wider = config.toBuilder().setArch(config.getArch().toBuilder().setHiddenSize(32)
        .setPuzzleEmbNdim(32)).build();
    Trainer resume = new Trainer(new Trainer.Options(wider, new RunDirectory(dir.resolve("wider")),
        outcome.lastCheckpoint(), 0), new PrintStream(new ByteArrayOutputStream()));
    CheckpointException e = assertThrows(CheckpointException.class, resume::run);
    assertThat(e).hasMessageThat().contains("arch.hidden_size 16 (checkpoint) vs 32 (now)");
    assertThat(e).hasMessageThat().contains("arch.puzzle_emb_ndim 16 (checkpoint) vs 32 (now)");
  }

  @Test
  void latestFallsBackToTheNewestValidCheckpointAndSaysSo() throws IOException {
    Path checkpoints = dir.resolve("fallback/checkpoints");
    Path older = copyTo(outcome.lastCheckpoint(), checkpoints.resolve("step_20"));
    Path newest = copyTo(outcome.lastCheckpoint(), checkpoints.resolve("step_25"));
    Path data = newest.resolve("ckpt.data-00000-of-00001");
    Files.write(data, new byte[(int) Files.size(data)]);  // what a power loss leaves of unsynced data: zeros
    List<String> notices = new java.util.ArrayList<>();
    assertThat(Checkpoints.latest(dir.resolve("fallback"), notices::add)).isEqualTo(older);
    assertThat(notices).hasSize(1);
    assertThat(notices.get(0)).contains("step_25 is damaged: ckpt.data-00000-of-00001 does not match its SHA-256");
    assertThat(notices.get(0)).contains("falling back to " + older);
    Files.delete(older.resolve("manifest.json"));
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> Checkpoints.latest(dir.resolve("fallback"), notices::add));
    assertThat(e).hasMessageThat().contains("no valid checkpoint in " + dir.resolve("fallback"));
  }

  @Test
  void aCheckpointMovedAsideByAKilledReplacementIsUsed() throws IOException {
    Path checkpoints = dir.resolve("aside/checkpoints");
    copyTo(outcome.lastCheckpoint(), checkpoints.resolve("step_20"));
    // Left by a run (pid 999999999: above any pid_max, so not running) killed between moving step_25 aside and
    // renaming its replacement in.
    Path aside = copyTo(outcome.lastCheckpoint(), checkpoints.resolve(".step_25.old-999999999"));
    List<String> notices = new java.util.ArrayList<>();
    assertThat(Checkpoints.latest(checkpoints, notices::add)).isEqualTo(aside);
    assertThat(notices).containsExactly("using " + aside + ": step_25 as a run killed while replacing it left it");
  }

  @Test
  void pruningKeepsEverythingWhileTheNewestDoesNotVerify() throws IOException {
    Path checkpoints = dir.resolve("prune/checkpoints");
    Path a = copyTo(outcome.lastCheckpoint(), checkpoints.resolve("step_10"));
    Path b = copyTo(outcome.lastCheckpoint(), checkpoints.resolve("step_15"));
    Path c = copyTo(outcome.lastCheckpoint(), checkpoints.resolve("step_20"));
    Files.delete(c.resolve("state.json"));
    assertThrows(CheckpointException.class, () -> Checkpoints.prune(checkpoints, 1, notice -> {}));
    assertThat(Files.exists(a) && Files.exists(b)).isTrue();
  }

  private static Path copyTo(Path from, Path target) throws IOException {
    Files.createDirectories(target);
    try (Stream<Path> s = Files.list(from)) {
      for (Path f : s.sorted(Comparator.naturalOrder()).toList()) {
        Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return target;
  }

  private static Path copyOfLast(String name) throws IOException {
    return copyTo(outcome.lastCheckpoint(),
        dir.resolve("copies").resolve(name).resolve(outcome.lastCheckpoint().getFileName()));
  }
}
