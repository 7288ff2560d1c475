package dev.trm.datasets.arc;

import static com.google.common.truth.Truth.assertWithMessage;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared ARC data lives in tests: {@code -Dtrm.shared} (set by the build), else {@code ../shared}. */
final class ArcTestData {
  private ArcTestData() {}

  static Path root() {
    Path root = Path.of(System.getProperty("trm.shared", "../../shared")).resolve("data/arc");
    assertWithMessage("ARC data not found at %s (set -Dtrm.shared)", root).that(Files.isDirectory(root)).isTrue();
    return root;
  }
}
