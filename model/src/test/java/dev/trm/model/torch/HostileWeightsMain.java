package dev.trm.model.torch;

import java.nio.file.Path;

/**
 * Reads each file given with {@link StateDicts#read}, in a JVM of its own (started with a small heap by
 * {@link HostileWeightsTest}), and prints one line per file: the milliseconds it took and the error message, or
 * {@code ACCEPTED}, or {@code OUT OF MEMORY}.
 */
public final class HostileWeightsMain {
  private HostileWeightsMain() {}

  public static void main(String[] args) {
    for (String arg : args) {
      long start = System.nanoTime();
      String outcome;
      try {
        StateDicts.read(Path.of(arg));
        outcome = "ACCEPTED";
      } catch (IllegalArgumentException e) {
        outcome = e.getMessage();
      } catch (OutOfMemoryError e) {
        outcome = "OUT OF MEMORY";
      }
      System.out.println((System.nanoTime() - start) / 1_000_000 + "\t" + outcome.replace('\n', ' '));
    }
  }
}
