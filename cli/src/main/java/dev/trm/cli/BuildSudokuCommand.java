package dev.trm.cli;

import dev.trm.datasets.Progress;
import dev.trm.datasets.sudoku.SudokuCsvSpec;
import dev.trm.datasets.sudoku.SudokuDatasets;
import dev.trm.datasets.sudoku.SudokuGenerationSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code trm build-dataset sudoku}: Sudoku from a Sudoku-Extreme CSV, or generated (4x4, 6x6, 9x9). */
@Command(
    name = "sudoku",
    mixinStandardHelpOptions = true,
    description = {
      "Sudoku from a Sudoku-Extreme CSV (source,question,answer,rating), or generated (4x4, 6x6, 9x9), in the official layout.",
      "Official recipe: --input CSV --subsample 1000 --aug 1000 (the rest of the CSV, or --test-input, is the test split).",
      "Generated: --generate --size 6 --givens 14 --train 2000 --test 500 --aug 50"
    })
public final class BuildSudokuCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--input", paramLabel = "CSV", description = "Train CSV in the Sudoku-Extreme layout")
  Path input;

  @Option(names = "--test-input", paramLabel = "CSV", description = "Test CSV (default: the --input rows not chosen for train)")
  Path testInput;

  @Option(names = "--subsample", paramLabel = "N", defaultValue = "0",
      description = "Train puzzles drawn from --input; 0 = all rows (default: ${DEFAULT-VALUE})")
  int subsample;

  @Option(names = "--test-size", paramLabel = "M", defaultValue = "0",
      description = "Test puzzles drawn from the test pool; 0 = all (default: ${DEFAULT-VALUE})")
  int testSize;

  @Option(names = "--aug", paramLabel = "K", defaultValue = "0",
      description = "Augmented copies per train puzzle, each its own puzzle in the original's group (default: ${DEFAULT-VALUE})")
  int aug;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of every random choice (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--generate", description = "Generate unique-solution puzzles instead of reading a CSV")
  boolean generate;

  @Option(names = "--size", defaultValue = "9", description = "With --generate: 4, 6 or 9 (default: ${DEFAULT-VALUE})")
  int size;

  @Option(names = "--givens", paramLabel = "G", description = "With --generate: clues per puzzle")
  Integer givens;

  @Option(names = "--train", paramLabel = "N", description = "With --generate: train puzzles (groups)")
  Integer train;

  @Option(names = "--test", paramLabel = "M", description = "With --generate: test puzzles, distinct from train")
  Integer test;

  @Mixin DatasetOutput output;

  @Override
  public Integer call() {
    Progress progress = Progress.printingTo(System.err, 2000);
    if (generate) {
      if (input != null || testInput != null) {
        throw new ParameterException(spec.commandLine(), "--generate cannot be combined with --input/--test-input");
      }
      if (givens == null || train == null || test == null) {
        throw new ParameterException(spec.commandLine(), "--generate needs --givens, --train and --test");
      }
      return output.build(() -> SudokuDatasets.generate(new SudokuGenerationSpec(size, givens, train, test, aug, seed),
          output.out, progress));
    }
    if (input == null) {
      throw new ParameterException(spec.commandLine(), "give --input CSV, or --generate");
    }
    InputPaths.requireExisting("--input", input);
    InputPaths.requireExisting("--test-input", testInput);
    if (givens != null || train != null || test != null) {
      throw new ParameterException(spec.commandLine(), "--givens/--train/--test only apply with --generate");
    }
    return output.build(() -> SudokuDatasets.fromCsv(new SudokuCsvSpec(input, testInput, subsample, aug, testSize, seed),
        output.out, progress));
  }
}
