package dev.trm.bench;

import dev.trm.datasets.DatasetMetadata;
import dev.trm.model.ModelDims;
import dev.trm.model.config.TrmConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The dataset sizes a benchmark needs (vocab, sequence length, puzzle ids): the benchmark feeds synthetic batches,
 * so it needs the sizes only, from {@code --dims} or from the config's dataset if it has been built.
 */
public final class BenchDims {
  private BenchDims() {}

  /**
   * Parses {@code "vocab,seqLen,puzzleIds"}, e.g. {@code "11,81,1"} for Sudoku-Extreme.
   *
   * @throws IllegalArgumentException naming the option when the text is not three positive integers
   */
  public static ModelDims parse(String text) {
    String[] parts = text.split(",");
    if (parts.length != 3) {
      throw new IllegalArgumentException("--dims must be vocab,seq_len,puzzle_ids (e.g. 11,81,1), got '" + text + "'");
    }
    try {
      return new ModelDims(
          Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()), Integer.parseInt(parts[2].trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--dims must be three integers vocab,seq_len,puzzle_ids, got '" + text + "'");
    }
  }

  /**
   * The sizes of the config's dataset, read from {@code <data.path>/train/dataset.json} under {@code repoRoot}.
   *
   * @throws IllegalArgumentException when the dataset has not been built, saying how to pass the sizes instead
   */
  public static ModelDims fromDataset(TrmConfig config, Path repoRoot) {
    Path file = repoRoot.resolve(config.getData().getPath()).resolve("train").resolve(DatasetMetadata.FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + " does not exist: build the dataset, or give its sizes with "
          + "--dims vocab,seq_len,puzzle_ids (Sudoku-Extreme: 11,81,1; Maze-Hard: 6,900,1)");
    }
    DatasetMetadata meta = DatasetMetadata.read(file);
    return new ModelDims(meta.vocabSize(), meta.seqLen(), meta.numPuzzleIdentifiers());
  }
}
