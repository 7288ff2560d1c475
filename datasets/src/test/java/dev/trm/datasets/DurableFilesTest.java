package dev.trm.datasets;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable publishing: what is fsynced, in which order, and which leftovers the next run removes. */
class DurableFilesTest {
  @TempDir Path dir;
  private final List<Path> synced = new ArrayList<>();

  @AfterEach
  void stopListening() {
    DurableFiles.listen(path -> {});
  }

  @Test
  void aPublishedTreeIsSyncedFilesFirstThenDirectoriesThenTheParent() throws IOException {
    Path target = dir.resolve("out");
    Path tmp = DurableFiles.temporaryFor(target, DurableFiles.PARTIAL);
    Files.createDirectories(tmp.resolve("sub"));
    Files.writeString(tmp.resolve("sub/a.txt"), "a");
    Files.writeString(tmp.resolve("b.txt"), "b");
    DurableFiles.listen(synced::add);
    DurableFiles.publish(tmp, target);
    Path abs = tmp.toAbsolutePath();
    // Every file before any directory, the tree before the rename, the parent (holding the new name) last.
    assertThat(synced).containsExactly(abs.resolve("sub/a.txt"), abs.resolve("b.txt"), abs.resolve("sub"), abs,
        dir.toAbsolutePath()).inOrder();
    assertThat(Files.readString(target.resolve("sub/a.txt"))).isEqualTo("a");
    assertThat(Files.exists(tmp)).isFalse();
  }

  @Test
  void writeStringReplacesWholeAndLeavesNoTemporary() throws IOException {
    Path file = dir.resolve("f.json");
    DurableFiles.writeString(file, "old");
    DurableFiles.listen(synced::add);
    DurableFiles.writeString(file, "new");
    assertThat(Files.readString(file)).isEqualTo("new");
    assertThat(synced).contains(dir.toAbsolutePath());
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("f.json");
    }
  }

  @Test
  void leftoversOfDeadProcessesAreRemovedAndLiveOnesKept() throws IOException {
    long dead = deadPid();
    Path stale = Files.createDirectories(dir.resolve(".step_5.partial-" + dead));
    Path staleFile = Files.writeString(dir.resolve(".a.npy.old-" + dead), "x");
    Path live = Files.createDirectories(DurableFiles.temporaryFor(dir.resolve("step_6"), DurableFiles.PARTIAL));
    Path result = Files.createDirectories(dir.resolve("step_4"));
    List<String> notices = new ArrayList<>();
    DurableFiles.removeLeftovers(dir, notices::add);
    assertThat(Files.exists(stale)).isFalse();
    assertThat(Files.exists(staleFile)).isFalse();
    assertThat(Files.exists(live)).isTrue();
    assertThat(Files.exists(result)).isTrue();
    assertThat(notices).hasSize(2);
    assertThat(notices.get(0)).contains(".a.npy.old-" + dead);
    assertThat(DurableFiles.isLeftover(result)).isFalse();
  }

  /** A pid no process has: a child that has exited. */
  private static long deadPid() throws IOException {
    Process p = new ProcessBuilder("true").start();
    try {
      p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return p.pid();
  }
}
