package dev.trm.tests;

import dev.trm.datasets.OutputDirectory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A record of every fsync a process made (one line each: a file's identity and size, or a directory's identity and
 * names), and what a power loss at the end of that record would leave: files cut back to their last synced size
 * (nothing, if never synced), and names a directory gained since its last sync gone. Identities are inode keys, so
 * a file renamed after its sync keeps the sync.
 */
final class SyncLog {
  private SyncLog() {}

  /** The log line for a completed fsync of {@code path}. */
  static String describe(Path path) {
    try {
      if (Files.isDirectory(path)) {
        try (Stream<Path> s = Files.list(path)) {
          return "D\t" + key(path) + "\t" + String.join("\t", s.map(p -> p.getFileName().toString()).toList());
        }
      }
      return "F\t" + key(path) + "\t" + Files.size(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Applies the power loss that {@code log} implies to the tree under {@code root} (whose own name is taken as
   * durable); returns what was lost, one line per file or directory.
   */
  static List<String> losePower(Path root, Path log) throws IOException {
    Map<String, Long> fileSizes = new HashMap<>();
    Map<String, Set<String>> dirNames = new HashMap<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t", -1);
      if (f[0].equals("F")) {
        fileSizes.put(f[1], Long.parseLong(f[2]));
      } else if (f[0].equals("D")) {
        dirNames.put(f[1], Set.copyOf(List.of(f).subList(2, f.length)));
      }
    }
    List<String> lost = new ArrayList<>();
    walk(root, fileSizes, dirNames, lost);
    return lost;
  }

  private static void walk(Path dir, Map<String, Long> fileSizes, Map<String, Set<String>> dirNames, List<String> lost)
      throws IOException {
    Set<String> durable = dirNames.getOrDefault(key(dir), Set.of());
    List<Path> entries;
    try (Stream<Path> s = Files.list(dir)) {
      entries = s.sorted().toList();
    }
    for (Path p : entries) {
      if (!durable.contains(p.getFileName().toString())) {
        OutputDirectory.deleteTree(p);
        lost.add("removed " + p + " (its name was never synced)");
      } else if (Files.isDirectory(p)) {
        walk(p, fileSizes, dirNames, lost);
      } else {
        long keep = fileSizes.getOrDefault(key(p), 0L);
        long size = Files.size(p);
        if (size > keep) {
          try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(keep);
          }
          lost.add("cut " + p + " from " + size + " to " + keep + " bytes");
        }
      }
    }
  }

  private static String key(Path p) throws IOException {
    return String.valueOf(Files.readAttributes(p, BasicFileAttributes.class).fileKey());
  }
}
