package dev.trm.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Publishing outputs so that a crash or power loss at any moment leaves either the old result or the whole new one.
 *
 * <p>An output is assembled under a hidden temporary name next to its target ({@link #temporaryFor}), its files and
 * directories are fsynced, it is renamed into place, and the directory holding it is fsynced so that the rename
 * itself survives a power loss. A rename without the fsyncs before it can publish a file whose data never reached
 * the disk; without the fsync after it, the rename can be undone.
 *
 * <p>Temporary names are {@code .<target>.<kind>-<pid>}; {@link #removeLeftovers} deletes those of processes that
 * are no longer running, so the next run of a killed command cleans up after it and no reader takes them for results.
 */
public final class DurableFiles {
  /** Kind of a temporary that is being assembled. */
  public static final String PARTIAL = "partial";
  /** Kind of a previous result moved aside while its replacement is renamed in. */
  public static final String OLD = "old";
  private static final Pattern LEFTOVER = Pattern.compile("\\..+\\.(partial|old|tmp)-(\\d+)");

  /** Told of every completed fsync; fault-injection tests use it to know what a power loss would keep. */
  public interface SyncListener {
    void synced(Path path);
  }

  private static volatile SyncListener listener = path -> {};

  private DurableFiles() {}

  /** Replaces the sync listener (tests only: it sees every fsync of this JVM). */
  public static void listen(SyncListener l) {
    listener = Objects.requireNonNull(l);
  }

  /** The hidden temporary name {@code .<name>.<kind>-<pid>} next to {@code target}. */
  public static Path temporaryFor(Path target, String kind) {
    Path abs = target.toAbsolutePath();
    return abs.resolveSibling("." + abs.getFileName() + "." + kind + "-" + ProcessHandle.current().pid());
  }

  /** True if {@code p} is named like a temporary of {@link #temporaryFor} (or a {@code .tmp-} one). */
  public static boolean isLeftover(Path p) {
    return LEFTOVER.matcher(p.getFileName().toString()).matches();
  }

  /**
   * Deletes the temporaries in {@code dir} left by processes that no longer run (a killed or crashed earlier run);
   * those of live processes are left alone. Calls {@code report} with each one removed.
   */
  public static void removeLeftovers(Path dir, Consumer<String> report) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> gone = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.sorted().toList()) {
        Matcher m = LEFTOVER.matcher(p.getFileName().toString());
        if (m.matches() && !running(Long.parseLong(m.group(2)))) {
          OutputDirectory.deleteTree(p);
          gone.add(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    if (!gone.isEmpty()) {
      syncDirectory(dir);
      gone.forEach(p -> report.accept("removed " + p.getFileName() + ", left in " + dir + " by an interrupted run"));
    }
  }

  private static boolean running(long pid) {
    return pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Writes {@code text} (UTF-8) to {@code file} durably, replacing it whole or not at all. */
  public static void writeString(Path file, String text) {
    writeBytes(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes {@code bytes} to {@code file} durably, replacing it whole or not at all. */
  public static void writeBytes(Path file, byte[] bytes) {
    Path tmp = temporaryFor(file, PARTIAL);
    try {
      createDirectories(tmp.getParent());
      Files.write(tmp, bytes);
      publish(tmp, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /**
   * Makes {@code tmp} (a file, or a directory tree) durable, renames it to {@code target} and makes the rename
   * durable. A file replaces an existing target atomically; a directory target must not exist.
   */
  public static void publish(Path tmp, Path target) {
    Path parent = target.toAbsolutePath().getParent();
    try {
      syncTree(tmp);
      createDirectories(parent);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      syncDirectory(parent);
      Path tmpParent = tmp.toAbsolutePath().getParent();
      if (!tmpParent.equals(parent)) {
        syncDirectory(tmpParent);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + tmp + " to " + target + ": " + e.getMessage(), e);
    }
  }

  /** Creates {@code dir} and any missing parents, fsyncing each parent whose listing changed. */
  public static void createDirectories(Path dir) {
    Path abs = dir.toAbsolutePath();
    List<Path> created = new ArrayList<>();
    for (Path p = abs; p != null && !Files.isDirectory(p); p = p.getParent()) {
      created.add(0, p);
    }
    try {
      Files.createDirectories(abs);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    for (Path p : created) {
      syncDirectory(p.getParent());
    }
  }

  /** fsyncs every file of {@code root}, then every directory, deepest first ({@code root} may be a single file). */
  public static void syncTree(Path root) {
    if (!Files.isDirectory(root)) {
      syncFile(root);
      return;
    }
    List<Path> all;
    try (Stream<Path> s = Files.walk(root)) {
      all = s.sorted(Comparator.reverseOrder()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
    }
    all.stream().filter(Files::isRegularFile).forEach(DurableFiles::syncFile);
    all.stream().filter(Files::isDirectory).forEach(DurableFiles::syncDirectory);
  }

  /** fsyncs the data and size of {@code file}. */
  public static void syncFile(Path file) {
    force(file, StandardOpenOption.WRITE);
  }

  /** fsyncs the listing of {@code dir} (the names created, renamed or deleted in it). */
  public static void syncDirectory(Path dir) {
    force(dir, StandardOpenOption.READ);
  }

  private static void force(Path path, StandardOpenOption mode) {
    try (FileChannel ch = FileChannel.open(path, mode)) {
      ch.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fsync " + path + ": " + e.getMessage(), e);
    }
    listener.synced(path.toAbsolutePath());
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // Only reached after another failure, which is the one to report; the name marks it as a leftover.
    }
  }
}
