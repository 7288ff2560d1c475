package dev.trm.viz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's {@code metrics.jsonl} read back: for each metric, its values in the order logged, with the step and the
 * training time ({@link #TRAIN_SECONDS}, NaN on lines without it) of each.
 */
public final class RunMetrics {
  /** The metric that holds seconds of training so far (excluding evaluation and checkpoints). */
  public static final String TRAIN_SECONDS = "time/train_seconds";
  public static final String FILE = "metrics.jsonl";

  /** One logged value. */
  public record Point(long step, double seconds, double value) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final String name;
  private final List<Map<String, Double>> lines;

  private RunMetrics(String name, List<Map<String, Double>> lines) {
    this.name = name;
    this.lines = lines;
  }

  /** Reads {@code <runDir>/metrics.jsonl}; a clear error names the file and line that is not a metrics line. */
  public static RunMetrics read(Path runDir) {
    Path file = runDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(runDir + " is not a run directory: it has no " + FILE);
    }
    List<Map<String, Double>> lines = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (!line.isBlank()) {
          lines.add(parse(file, number, line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    Path fileName = runDir.toAbsolutePath().normalize().getFileName();
    return new RunMetrics(fileName == null ? runDir.toString() : fileName.toString(), lines);
  }

  private static Map<String, Double> parse(Path file, int number, String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " line " + number + " is not JSON");
    }
    if (node == null || !node.isObject() || !node.has("step")) {
      throw new IllegalArgumentException(file + " line " + number + " has no \"step\"");
    }
    Map<String, Double> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      values.put(e.getKey(), e.getValue().isNumber() ? e.getValue().asDouble() : Double.NaN);
    }
    return values;
  }

  /** The run's name (its directory's name). */
  public String name() {
    return name;
  }

  /** Every logged value of {@code metric}, in log order. */
  public List<Point> series(String metric) {
    List<Point> points = new ArrayList<>();
    for (Map<String, Double> line : lines) {
      Double v = line.get(metric);
      if (v != null && Double.isFinite(v)) {
        points.add(new Point(line.get("step").longValue(), line.getOrDefault(TRAIN_SECONDS, Double.NaN), v));
      }
    }
    return points;
  }

  /** The last line that has {@code metric}, or an empty map. */
  public Map<String, Double> lastWith(String metric) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).containsKey(metric)) {
        return lines.get(i);
      }
    }
    return Map.of();
  }
}
