package dev.trm.datasets.arc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.datasets.DatasetFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads ARC tasks from the two formats in use: one JSON file per task ({@code {"train": [...], "test": [...]}}, an
 * optional {@code "name"} key is ignored) and the Kaggle files ({@code arc-agi_<subset>_challenges.json}, a map from
 * task id to task without test outputs, plus {@code _solutions.json}, a map from task id to the test output grids).
 *
 * <p>Any malformed input throws a {@link DatasetFormatException} naming the file, the task and the field, e.g.
 * {@code .../abc.json: task abc: train[2].output: grid is not rectangular: row 0 has 3 cells, row 1 has 2}.
 */
public final class ArcTaskReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ArcTaskReader() {}

  /** One task file; the task id is the file name without {@code .json}. */
  public static ArcTask readTaskFile(Path file) {
    String id = file.getFileName().toString().replaceFirst("\\.json$", "");
    return parseTask(readJson(file), file, id, null);
  }

  /** Every {@code *.json} under {@code dir} (recursively), ordered by relative path. */
  public static List<ArcTask> readTaskFolder(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new DatasetFormatException(dir + ": ARC task folder does not exist");
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
          .sorted((a, b) -> dir.relativize(a).toString().compareTo(dir.relativize(b).toString()))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot list ARC task folder: " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new DatasetFormatException(dir + ": no *.json task files");
    }
    Map<String, Path> seen = new LinkedHashMap<>();
    List<ArcTask> tasks = new ArrayList<>(files.size());
    for (Path file : files) {
      ArcTask task = readTaskFile(file);
      Path previous = seen.put(task.id(), file);
      if (previous != null) {
        throw new DatasetFormatException(file + ": task id " + task.id() + " also used by " + previous);
      }
      tasks.add(task);
    }
    return tasks;
  }

  /**
   * A Kaggle challenges file with its solutions, tasks in the file's key order. Without a solutions file (a hidden test
   * set) every test output is the dummy grid {@code [[0]]}, as the official builder does.
   *
   * @param solutions the solutions file, or null if there is none
   */
  public static List<ArcTask> readKaggle(Path challenges, Path solutions) {
    JsonNode root = readJson(challenges);
    requireObject(root, challenges, "the top level (a map from task id to task)");
    Map<String, List<ArcGrid>> outputs = solutions == null ? null : readSolutions(solutions);
    List<ArcTask> tasks = new ArrayList<>(root.size());
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String id = entry.getKey();
      List<ArcGrid> testOutputs;
      if (outputs == null) {
        JsonNode test = entry.getValue().path("test");
        testOutputs = Collections.nCopies(test.isArray() ? test.size() : 0, DUMMY_GRID);
      } else {
        testOutputs = outputs.get(id);
        if (testOutputs == null) {
          throw new DatasetFormatException(solutions + ": no solutions for task " + id + " of " + challenges);
        }
      }
      tasks.add(parseTask(entry.getValue(), challenges, id, testOutputs));
    }
    return tasks;
  }

  /** A map from task id to complete task (test outputs included), as in {@code test_puzzles.json}; key order kept. */
  public static List<ArcTask> readTaskMap(Path file) {
    JsonNode root = readJson(file);
    requireObject(root, file, "the top level (a map from task id to task)");
    List<ArcTask> tasks = new ArrayList<>(root.size());
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      tasks.add(parseTask(entry.getValue(), file, entry.getKey(), null));
    }
    return tasks;
  }

  /** The official stand-in for a test output when there is no solutions file. */
  private static final ArcGrid DUMMY_GRID = ArcGrid.of(new int[][] {{0}});

  private static Map<String, List<ArcGrid>> readSolutions(Path file) {
    JsonNode root = readJson(file);
    requireObject(root, file, "the top level (a map from task id to a list of output grids)");
    Map<String, List<ArcGrid>> outputs = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode grids = entry.getValue();
      String where = "task " + entry.getKey();
      if (!grids.isArray()) {
        throw new DatasetFormatException(file + ": " + where + ": expected a list of output grids");
      }
      List<ArcGrid> list = new ArrayList<>(grids.size());
      for (int i = 0; i < grids.size(); i++) {
        list.add(parseGrid(grids.get(i), file, where, "[" + i + "]"));
      }
      outputs.put(entry.getKey(), list);
    }
    return outputs;
  }

  /**
   * @param testOutputs the test outputs, one per test input, or null to read each from its pair
   */
  private static ArcTask parseTask(JsonNode node, Path file, String id, List<ArcGrid> testOutputs) {
    String where = "task " + id;
    requireObject(node, file, where);
    JsonNode train = node.get("train");
    JsonNode test = node.get("test");
    if (train == null || !train.isArray() || test == null || !test.isArray()) {
      throw new DatasetFormatException(file + ": " + where + ": needs a \"train\" list and a \"test\" list");
    }
    if (train.isEmpty() || test.isEmpty()) {
      throw new DatasetFormatException(file + ": " + where + ": needs at least one train pair and one test pair");
    }
    if (testOutputs != null && testOutputs.size() != test.size()) {
      throw new DatasetFormatException(file + ": " + where + ": " + test.size() + " test inputs but "
          + testOutputs.size() + " solution grids");
    }
    List<ArcPair> trainPairs = new ArrayList<>(train.size());
    for (int i = 0; i < train.size(); i++) {
      trainPairs.add(parsePair(train.get(i), file, where, "train[" + i + "]", null));
    }
    List<ArcPair> testPairs = new ArrayList<>(test.size());
    for (int i = 0; i < test.size(); i++) {
      ArcGrid output = testOutputs == null ? null : testOutputs.get(i);
      testPairs.add(parsePair(test.get(i), file, where, "test[" + i + "]", output));
    }
    boolean testFirst = false;
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (name.equals("train") || name.equals("test")) {
        testFirst = name.equals("test");
        break;
      }
    }
    return new ArcTask(id, trainPairs, testPairs, testFirst);
  }

  /** @param knownOutput the output from a solutions file, or null to read {@code "output"} from the pair */
  private static ArcPair parsePair(JsonNode pair, Path file, String where, String field, ArcGrid knownOutput) {
    requireObject(pair, file, where + ": " + field);
    ArcGrid input = parseGrid(pair.get("input"), file, where, field + ".input");
    ArcGrid output = knownOutput != null ? knownOutput : parseGrid(pair.get("output"), file, where, field + ".output");
    return new ArcPair(input, output);
  }

  private static ArcGrid parseGrid(JsonNode grid, Path file, String where, String field) {
    String context = file + ": " + where + ": " + field;
    if (grid == null) {
      throw new DatasetFormatException(context + ": missing");
    }
    if (!grid.isArray()) {
      throw new DatasetFormatException(context + ": expected a grid (a list of rows)");
    }
    int[][] rows = new int[grid.size()][];
    for (int r = 0; r < rows.length; r++) {
      JsonNode row = grid.get(r);
      if (!row.isArray()) {
        throw new DatasetFormatException(context + ": row " + r + " is not a list");
      }
      rows[r] = new int[row.size()];
      for (int c = 0; c < row.size(); c++) {
        JsonNode cell = row.get(c);
        if (!cell.isIntegralNumber() || !cell.canConvertToInt()) {
          throw new DatasetFormatException(context + ": cell (" + r + ", " + c + ") is " + cell + ", not a colour 0..9");
        }
        rows[r][c] = cell.intValue();
      }
    }
    try {
      return ArcGrid.of(rows);
    } catch (IllegalArgumentException e) {
      throw new DatasetFormatException(context + ": " + e.getMessage(), e);
    }
  }

  private static void requireObject(JsonNode node, Path file, String what) {
    if (node == null || !node.isObject()) {
      throw new DatasetFormatException(file + ": " + what + ": expected a JSON object");
    }
  }

  private static JsonNode readJson(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DatasetFormatException(file + ": file does not exist");
    }
    try {
      return JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      String at = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new DatasetFormatException(file + ": malformed JSON" + at + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
    }
  }
}
