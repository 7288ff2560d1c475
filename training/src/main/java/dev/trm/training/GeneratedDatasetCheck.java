package dev.trm.training;

import com.google.protobuf.TextFormat;
import dev.trm.datasets.DatasetMetadata;
import dev.trm.model.config.DataConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether an existing dataset is the one a config's {@code generate_sudoku}/{@code generate_maze} block describes.
 * A generated dataset keeps the block it came from in {@value #RECORD}; a dataset without that record is compared by
 * what its {@code dataset.json} files show (cells per puzzle, train and test puzzles). A mismatch is refused rather
 * than regenerated: the directory may hold data someone wants, and deleting it is the user's call.
 */
final class GeneratedDatasetCheck {
  /** The file, beside {@code train/} and {@code test/}, that records the generation block. */
  static final String RECORD = "generated_by.pbtxt";

  private GeneratedDatasetCheck() {}

  /** Records {@code data}'s generation block in {@code datasetDir}. */
  static void record(Path datasetDir, DataConfig data) {
    try {
      Files.writeString(datasetDir.resolve(RECORD), block(data), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(datasetDir.resolve(RECORD) + ": " + e.getMessage(), e);
    }
  }

  /** Throws an {@link IllegalArgumentException} if {@code datasetDir} was not generated from {@code data}'s block. */
  static void check(Path datasetDir, DataConfig data) {
    Path record = datasetDir.resolve(RECORD);
    String found;
    if (Files.isRegularFile(record)) {
      try {
        found = Files.readString(record, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(record + ": " + e.getMessage(), e);
      }
      if (found.equals(block(data))) {
        return;
      }
      found = found.strip().replaceAll("\\s+", " ");
    } else {
      DatasetMetadata train = DatasetMetadata.read(datasetDir.resolve("train").resolve(DatasetMetadata.FILE_NAME));
      DatasetMetadata test = DatasetMetadata.read(datasetDir.resolve("test").resolve(DatasetMetadata.FILE_NAME));
      int size = data.hasGenerateSudoku() ? data.getGenerateSudoku().getSize() : data.getGenerateMaze().getSize();
      long trainCount = data.hasGenerateSudoku() ? data.getGenerateSudoku().getTrainPuzzles()
          : data.getGenerateMaze().getTrainMazes();
      long testCount = data.hasGenerateSudoku() ? data.getGenerateSudoku().getTestPuzzles()
          : data.getGenerateMaze().getTestMazes();
      if (train.seqLen() == size * size && train.totalGroups() == trainCount && test.totalGroups() == testCount) {
        return;
      }
      found = String.format("seq_len %d, %d train and %d test puzzles", train.seqLen(), train.totalGroups(),
          test.totalGroups());
    }
    throw new IllegalArgumentException("dataset " + datasetDir + " does not match the config's "
        + (data.hasGenerateSudoku() ? "generate_sudoku" : "generate_maze") + " block (" + block(data).strip()
        .replaceAll("\\s+", " ") + "); it holds " + found + ". Nothing was used: remove " + datasetDir
        + " to have it generated from the config, or give the config another data.path");
  }

  private static String block(DataConfig data) {
    return TextFormat.printer().printToString(data.toBuilder().clearPath().build());
  }
}
