package dev.trm.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code metrics.jsonl}: one JSON object per line, {@code step} plus metrics under the official names
 * ({@code train/lm_loss}, {@code eval/exact_accuracy}, {@code ARC/pass@2}, ...). Each line is flushed as written, so
 * a killed run keeps everything logged so far.
 */
public final class MetricsLog implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final BufferedWriter out;

  private MetricsLog(Path file, BufferedWriter out) {
    this.file = file;
    this.out = out;
  }

  /**
   * Opens {@code file} for appending. Lines of steps after {@code keepThroughStep} are dropped first: a run resumed
   * from the checkpoint of that step logs them again.
   */
  public static MetricsLog open(Path file, long keepThroughStep) {
    try {
      if (Files.exists(file)) {
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (!line.isBlank() && stepOf(file, line) <= keepThroughStep) {
            kept.add(line);
          }
        }
        Files.write(file, kept, StandardCharsets.UTF_8);
      }
      BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      return new MetricsLog(file, w);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open metrics log " + file + ": " + e.getMessage(), e);
    }
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

  private static long stepOf(Path file, String line) {
    try {
      JsonNode node = JSON.readTree(line);
      if (node == null || !node.has("step")) {
        throw new IllegalArgumentException(file + ": a line without \"step\": " + line);
      }
      return node.get("step").asLong();
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": not a JSON line: " + line, e);
    }
  }
}
