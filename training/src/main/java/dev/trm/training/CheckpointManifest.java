package dev.trm.training;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code manifest.json}: the size and SHA-256 of every other file of a checkpoint directory, written last. A
 * checkpoint whose manifest is missing, or whose files are missing, truncated or altered, is refused with a message
 * naming the file.
 */
final class CheckpointManifest {
  static final String FILE = "manifest.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One file's entry. */
  record Entry(@JsonProperty("size") long size, @JsonProperty("sha256") String sha256) {}

  /** The manifest document. */
  record Manifest(@JsonProperty("format") String format, @JsonProperty("files") Map<String, Entry> files) {}

  private CheckpointManifest() {}

  /** Lists every regular file of {@code dir} (except the manifest) in a new manifest. */
  static void write(Path dir) {
    Map<String, Entry> files = new TreeMap<>();
    for (Path f : listFiles(dir)) {
      files.put(f.getFileName().toString(), new Entry(size(f), sha256(f)));
    }
    try {
      JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(FILE).toFile(),
          new Manifest(TrainingState.FORMAT, files));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(FILE) + ": " + e.getMessage(), e);
    }
  }

  /** Checks {@code dir} against its manifest. */
  static void verify(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException("no checkpoint at " + dir + ": not a directory");
    }
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      throw new CheckpointException(dir + " is not a trm-java checkpoint: it has no " + FILE);
    }
    Manifest m;
    try {
      m = JSON.readValue(file.toFile(), Manifest.class);
    } catch (IOException e) {
      throw new CheckpointException(file + " is unreadable: " + e.getMessage(), e);
    }
    if (!TrainingState.FORMAT.equals(m.format()) || m.files() == null) {
      throw new CheckpointException(dir + " is not a " + TrainingState.FORMAT + " checkpoint (manifest format '"
          + m.format() + "')");
    }
    for (Map.Entry<String, Entry> e : m.files().entrySet()) {
      Path f = dir.resolve(e.getKey());
      if (!Files.isRegularFile(f)) {
        throw new CheckpointException("checkpoint " + dir + " is incomplete: " + e.getKey() + " is missing");
      }
      long size = size(f);
      if (size != e.getValue().size()) {
        throw new CheckpointException("checkpoint " + dir + " is damaged: " + e.getKey() + " has " + size
            + " bytes, the manifest says " + e.getValue().size() + (size < e.getValue().size() ? " (truncated)" : ""));
      }
      if (!sha256(f).equals(e.getValue().sha256())) {
        throw new CheckpointException("checkpoint " + dir + " is damaged: " + e.getKey()
            + " does not match its SHA-256 in the manifest (altered or corrupt)");
      }
    }
  }

  private static List<Path> listFiles(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals(FILE)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stat " + f + ": " + e.getMessage(), e);
    }
  }

  private static String sha256(Path f) {
    try (InputStream in = Files.newInputStream(f)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 20];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
