package dev.trm.datasets;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * One split's {@code dataset.json}, field for field the official {@code PuzzleDatasetMetadata}.
 *
 * @param ignoreLabelId label id excluded from the loss (0 in every official build), or null for none
 * @param totalPuzzles written by TRM's builders, absent (null) in HRM's
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"pad_id", "ignore_label_id", "blank_identifier_id", "vocab_size", "seq_len", "num_puzzle_identifiers",
    "total_groups", "mean_puzzle_examples", "total_puzzles", "sets"})
public record DatasetMetadata(
    @JsonProperty(value = "pad_id", required = true) int padId,
    @JsonProperty(value = "ignore_label_id", required = true) Integer ignoreLabelId,
    @JsonProperty(value = "blank_identifier_id", required = true) int blankIdentifierId,
    @JsonProperty(value = "vocab_size", required = true) int vocabSize,
    @JsonProperty(value = "seq_len", required = true) int seqLen,
    @JsonProperty(value = "num_puzzle_identifiers", required = true) int numPuzzleIdentifiers,
    @JsonProperty(value = "total_groups", required = true) int totalGroups,
    @JsonProperty(value = "mean_puzzle_examples", required = true) double meanPuzzleExamples,
    @JsonProperty("total_puzzles") Integer totalPuzzles,
    @JsonProperty(value = "sets", required = true) List<String> sets) {

  /** The file name of a split's metadata. */
  public static final String FILE_NAME = "dataset.json";

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public DatasetMetadata {
    sets = List.copyOf(sets);
  }

  /**
   * The fixed part of a dataset's metadata (pad 0, ignore label 0, blank identifier 0, set "all"); the counts are
   * filled in by {@link DatasetWriter#finish}.
   */
  public static DatasetMetadata template(int vocabSize, int seqLen, int numPuzzleIdentifiers) {
    return new DatasetMetadata(0, 0, 0, vocabSize, seqLen, numPuzzleIdentifiers, 0, 0.0, 0, List.of("all"));
  }

  /** This metadata with the counts of a written split. */
  public DatasetMetadata withCounts(int totalGroups, int totalPuzzles, double meanPuzzleExamples) {
    return new DatasetMetadata(padId, ignoreLabelId, blankIdentifierId, vocabSize, seqLen, numPuzzleIdentifiers,
        totalGroups, meanPuzzleExamples, totalPuzzles, sets);
  }

  /** Reads {@code file}; a missing or mistyped field is reported with the file and the field name. */
  public static DatasetMetadata read(Path file) {
    try {
      return JSON.readValue(file.toFile(), DatasetMetadata.class);
    } catch (JsonProcessingException e) {
      throw new DatasetFormatException(file + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      if (e instanceof NoSuchFileException || !Files.exists(file)) {
        throw new DatasetFormatException(file + ": no such file", e);
      }
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code file} durably (via a temporary file, so a reader never sees half of it). */
  public void write(Path file) {
    try {
      DurableFiles.writeBytes(file, JSON.writeValueAsBytes(this));
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }
}
