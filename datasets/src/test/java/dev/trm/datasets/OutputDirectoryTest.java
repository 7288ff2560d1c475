package dev.trm.datasets;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputDirectoryTest {
  @TempDir Path dir;

  @Test
  void refusesANonEmptyDirectoryUnlessOverwriting() throws Exception {
    Path out = dir.resolve("out");
    OutputDirectory.requireEmpty(out, false); // absent: fine
    Files.createDirectories(out);
    OutputDirectory.requireEmpty(out, false); // empty: fine
    Files.writeString(out.resolve("train.npy"), "x");
    assertThat(assertThrows(IllegalArgumentException.class, () -> OutputDirectory.requireEmpty(out, false)))
        .hasMessageThat().contains("pass --overwrite");
    OutputDirectory.requireEmpty(out, true);
    assertThat(Files.exists(out.resolve("train.npy"))).isTrue(); // the guard never deletes
  }

  @Test
  void deleteTreeRemovesNestedContentAndIgnoresAnAbsentDirectory() throws Exception {
    Path tree = dir.resolve("partial");
    Files.createDirectories(tree.resolve("train/nested"));
    Files.writeString(tree.resolve("train/nested/all__inputs.npy"), "x");
    Files.writeString(tree.resolve("dataset.json"), "{}");
    OutputDirectory.deleteTree(tree);
    assertThat(Files.exists(tree)).isFalse();
    assertThat(Files.exists(dir)).isTrue();
    OutputDirectory.deleteTree(tree); // already gone: no error
  }
}
