package dev.trm.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.datasets.DurableFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code metrics.jsonl}: one JSON object per line, {@code step} plus metrics under the official names
 * ({@code train/lm_loss}, {@code eval/exact_accuracy}, {@code ARC/pass@2}, ...). Append-only: each line is flushed
 * as written, so a killed run keeps everything logged so far, and {@link #sync()} makes the log durable up to a
 * checkpoint. The file is never rewritten in place: when a resume must drop lines, the kept ones go to a new file
 * that replaces the old one by a rename.
 */
public final class MetricsLog implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final FileChannel channel;
  private final BufferedWriter out;

  private MetricsLog(Path file, FileChannel channel) {
    this.file = file;
    this.channel = channel;
    this.out = new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8));
  }

  /**
   * Opens {@code file} for appending. Lines of steps after {@code keepThroughStep} are dropped first (a run resumed
   * from the checkpoint of that step logs them again), and so is a torn last line (a crash in the middle of writing
   * it); both are reported to {@code notices}. A damaged line before the last is an error naming its number.
   */
  public static MetricsLog open(Path file, long keepThroughStep, Consumer<String> notices) {
    try {
      if (Files.exists(file)) {
        keepThrough(file, keepThroughStep, notices);
      }
      boolean created = !Files.exists(file);
      FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
      if (created) {
        DurableFiles.syncDirectory(file.toAbsolutePath().getParent());
      }
      return new MetricsLog(file, ch);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open metrics log " + file + ": " + e.getMessage(), e);
    }
  }

  private static void keepThrough(Path file, long keepThroughStep, Consumer<String> notices) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    String last = lines.remove(lines.size() - 1);  // "" when the file ends with a newline, as every whole line does
    boolean changed = false;
    if (!last.isEmpty()) {
      notices.accept(file + ": cut a torn last line (" + last.length() + " bytes, written when the run was killed)");
      changed = true;
    }
    List<String> kept = new ArrayList<>();
    int dropped = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.isBlank() && stepOf(file, i + 1, line) > keepThroughStep) {
        dropped++;
      } else {
        kept.add(line);
      }
    }
    if (dropped > 0) {
      notices.accept(file + ": dropped " + dropped + " lines after step " + keepThroughStep
          + ", the step training resumes from");
      changed = true;
    }
    if (changed) {
      StringBuilder b = new StringBuilder();
      kept.forEach(line -> b.append(line).append('\n'));
      DurableFiles.writeString(file, b.toString());
    }
  }

  /** Makes every line written so far durable (fsync). */
  public void sync() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write metrics log " + file + ": " + e.getMessage(), e);
    }
    DurableFiles.syncFile(file);
  }

  /** Appends one line: {@code {"step": step, name: value, ...}} in the map's order. */
  public void write(long step, Map<String, Double> metrics) {
    ObjectNode line = JSON.createObjectNode();
    line.put("step", step);
    metrics.forEach((name, value) -> {
      if (value.isNaN() || value.isInfinite()) {
        line.put(name, value.toString());  // JSON has no NaN; keep the fact visible rather than drop the key
      } else {
        line.put(name, value);
      }
    });
    try {
      out.write(JSON.writeValueAsString(line));
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write metrics log " + file + ": " + e.getMessage(), e);
    }
  }

  /** The log's path. */
  public Path file() {
    return file;
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close metrics log " + file + ": " + e.getMessage(), e);
    }
  }

  private static long stepOf(Path file, int number, String line) {
    try {
      JsonNode node = JSON.readTree(line);
      if (node == null || !node.has("step")) {
        throw new IllegalArgumentException(file + ": line " + number + " has no \"step\"");
      }
      return node.get("step").asLong();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + ": line " + number + " is not JSON (damaged): " + e.getOriginalMessage(),
          e);
    }
  }
}
