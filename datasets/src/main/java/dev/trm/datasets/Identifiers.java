package dev.trm.datasets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code <datasetDir>/identifiers.json}: the name of each puzzle identifier (index = id, id 0 = {@code "<blank>"}). */
public final class Identifiers {
  public static final String FILE_NAME = "identifiers.json";
  public static final String BLANK = "<blank>";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Identifiers() {}

  /** Reads the list; a file that is not a JSON list of strings, or whose entry 0 is not "<blank>", is an error. */
  public static List<String> read(Path datasetDir) {
    Path file = datasetDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      throw new DatasetFormatException(file + ": no such file");
    }
    List<String> ids;
    try {
      ids = JSON.readValue(file.toFile(), new TypeReference<List<String>>() {});
    } catch (JsonProcessingException e) {
      throw new DatasetFormatException(file + ": not a JSON list of strings: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
    if (ids == null || ids.isEmpty() || !BLANK.equals(ids.get(0))) {
      throw new DatasetFormatException(file + ": entry 0 must be \"" + BLANK + "\"");
    }
    for (int i = 0; i < ids.size(); i++) {
      if (ids.get(i) == null) {
        throw new DatasetFormatException(file + ": entry " + i + " is null");
      }
    }
    return List.copyOf(ids);
  }

  /** Writes the list; entry 0 must be "<blank>". */
  public static void write(Path datasetDir, List<String> identifiers) {
    if (identifiers.isEmpty() || !BLANK.equals(identifiers.get(0))) {
      throw new IllegalArgumentException("identifier 0 must be \"" + BLANK + "\"");
    }
    Path file = datasetDir.resolve(FILE_NAME);
    try {
      DurableFiles.writeBytes(file, JSON.writeValueAsBytes(identifiers));
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }
}
