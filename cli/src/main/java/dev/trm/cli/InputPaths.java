package dev.trm.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks that a path given on the command line exists before any work, so that the error names the flag and the
 * path instead of whatever a later stage makes of a missing file.
 */
final class InputPaths {
  private InputPaths() {}

  /** Throws an {@link IllegalArgumentException} naming {@code flag} if {@code path} is given and does not exist. */
  static void requireExisting(String flag, Path path) {
    if (path != null && !Files.exists(path)) {
      throw new IllegalArgumentException(flag + " " + path + ": no such file or directory (relative paths start at "
          + Path.of("").toAbsolutePath() + ")");
    }
  }

  /** As {@link #requireExisting}, and {@code path} must be a directory. */
  static void requireDirectory(String flag, Path path) {
    requireExisting(flag, path);
    if (path != null && !Files.isDirectory(path)) {
      throw new IllegalArgumentException(flag + " " + path + " is a file; it must be a directory");
    }
  }
}
