package dev.trm.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks the output files of {@code trm predict} before any inference runs: each must be a file name (not an
 * existing directory) whose extension says the format that will be written into it, so that a mistyped {@code --out}
 * fails at once instead of after all the work, and a {@code .npy} never receives CSV text (or the reverse).
 */
final class PredictOutputs {
  private PredictOutputs() {}

  /** Throws an {@link IllegalArgumentException} naming the flag and the fix for the first unusable output. */
  static void check(Path input, Path out, Path logits, Path qHalt) {
    boolean csvInput = Files.isRegularFile(input) && !input.toString().endsWith(".npy");
    checkOne("--out", out, csvInput ? ".csv" : ".npy",
        csvInput ? "a CSV input gives its predictions as CSV" : "an .npy or dataset-split input gives an .npy");
    if (logits != null) {
      checkOne("--logits", logits, ".npy", "the logits are written as float32 .npy");
    }
    if (qHalt != null) {
      checkOne("--q-halt", qHalt, ".npy", "the halting logits are written as float32 .npy");
    }
  }

  private static void checkOne(String flag, Path file, String extension, String why) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(flag + " " + file + " is a directory; give a file name ending in "
          + extension);
    }
    if (!file.getFileName().toString().endsWith(extension)) {
      throw new IllegalArgumentException(flag + " " + file + " must end in " + extension + ": " + why);
    }
  }
}
