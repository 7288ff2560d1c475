package dev.trm.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Guards a builder's output directory so that a build never silently mixes with or replaces earlier data, and
 * removes the temporary directories builders, checkpoints and exports write before renaming them into place.
 */
public final class OutputDirectory {
  private OutputDirectory() {}

  /** Fails unless {@code dir} is absent or empty, or {@code overwrite} is set. */
  public static void requireEmpty(Path dir, boolean overwrite) {
    if (overwrite || !Files.exists(dir)) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " exists and is not a directory");
    }
    try (Stream<Path> entries = Files.list(dir)) {
      if (entries.findAny().isPresent()) {
        throw new IllegalArgumentException(dir + " is not empty; choose another --out or pass --overwrite");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
    }
  }

  /** Deletes {@code dir} and everything below it; nothing happens if it does not exist. */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
    }
  }
}
