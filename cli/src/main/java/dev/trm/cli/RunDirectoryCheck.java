package dev.trm.cli;

import dev.trm.training.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Refuses to start a run in a directory that already holds something: a new run there would truncate
 * {@code metrics.jsonl} and leave the old checkpoints beside the new ones, where {@code evaluate} would pick the
 * wrong one. Only {@code --resume} continues a run in its own directory.
 */
final class RunDirectoryCheck {
  private RunDirectoryCheck() {}

  /** Throws an {@link IllegalArgumentException} if {@code run} exists and is not empty. */
  static void requireNew(RunDirectory run) {
    Path root = run.root();
    if (!Files.isDirectory(root)) {
      if (Files.exists(root)) {
        throw new IllegalArgumentException("--run-dir " + root + " is a file; give a directory that does not exist yet");
      }
      return;
    }
    try (Stream<Path> entries = Files.list(root)) {
      if (entries.findAny().isPresent()) {
        throw new IllegalArgumentException("run directory " + root + " already exists and is not empty: continue "
            + "the run in it with `trm train --resume " + root + "`, or give a --run-dir that does not exist yet "
            + "(nothing was changed)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(root + ": " + e.getMessage(), e);
    }
  }
}
