package dev.trm.datasets.sudoku;

import dev.trm.datasets.BuildReport;
import dev.trm.datasets.DatasetMetadata;
import dev.trm.datasets.DatasetWriter;
import dev.trm.datasets.Identifiers;
import dev.trm.datasets.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Builds Sudoku datasets in the official layout: train groups of one original puzzle plus its augmentations (each
 * its own puzzle with one example), test puzzles unaugmented, one group each. Tokens: PAD 0, blank 1, digit d -> d+1;
 * labels are the full solution; one puzzle identifier ({@code "<blank>"}).
 */
public final class SudokuDatasets {
  /** Consecutive duplicate draws after which the generator is considered out of distinct puzzles. */
  private static final int MAX_DUPLICATE_DRAWS = 10_000;

  private SudokuDatasets() {}

  /** Generates puzzles per {@code spec} into {@code dir} (the trainer's entry for a {@code generate_sudoku} config). */
  public static BuildReport generate(SudokuGenerationSpec spec, Path dir) {
    return generate(spec, dir, Progress.NONE);
  }

  public static BuildReport generate(SudokuGenerationSpec spec, Path dir, Progress progress) {
    SudokuShape shape = SudokuShape.of(spec.size());
    SplittableRandom root = new SplittableRandom(spec.seed());
    SudokuGenerator generator = new SudokuGenerator(shape, spec.givens(), root.nextLong());
    Set<String> seen = new HashSet<>();
    long start = System.nanoTime();
    List<SudokuPuzzle> train = distinct(generator, spec.trainPuzzles(), seen, "generating train puzzles", progress);
    DatasetMetadata test;
    try (DatasetWriter w = DatasetWriter.create(dir, "test", shape.cells())) {
      List<SudokuPuzzle> held = distinct(generator, spec.testPuzzles(), seen, "generating test puzzles", progress);
      held.forEach(p -> writeAlone(w, p));
      test = w.finish(template(shape));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    DatasetMetadata trainMeta = writeTrain(dir, shape, train, spec.augmentations(), root.split(), progress);
    Identifiers.write(dir, List.of(Identifiers.BLANK));
    return new BuildReport(dir, trainMeta, test, List.of(String.format(
        "generated %d unique-solution %dx%d puzzles with %d givens in %.1f s (%.0f/s)",
        spec.trainPuzzles() + spec.testPuzzles(), shape.size(), shape.size(), spec.givens(), seconds,
        (spec.trainPuzzles() + spec.testPuzzles()) / seconds)));
  }

  /** Builds from CSV files per {@code spec} into {@code dir}. */
  public static BuildReport fromCsv(SudokuCsvSpec spec, Path dir, Progress progress) {
    return new SudokuCsvBuild(spec, dir, progress).run();
  }

  private static List<SudokuPuzzle> distinct(SudokuGenerator generator, int count, Set<String> seen, String phase,
      Progress progress) {
    List<SudokuPuzzle> out = new ArrayList<>(count);
    int duplicatesInARow = 0;
    while (out.size() < count) {
      SudokuPuzzle p = generator.next();
      if (seen.add(p.questionText())) {
        out.add(p);
        duplicatesInARow = 0;
        progress.update(phase, out.size(), count);
      } else if (++duplicatesInARow > MAX_DUPLICATE_DRAWS) {
        throw new IllegalStateException("found only " + seen.size() + " distinct puzzles with these settings; "
            + "ask for fewer puzzles or fewer givens");
      }
    }
    return out;
  }

  static DatasetMetadata template(SudokuShape shape) {
    return DatasetMetadata.template(shape.vocabSize(), shape.cells(), 1);
  }

  /** Writes the train split: per original a group of the original and {@code augmentations} shuffles of it. */
  static DatasetMetadata writeTrain(Path dir, SudokuShape shape, List<SudokuPuzzle> originals, int augmentations,
      SplittableRandom random, Progress progress) {
    SudokuAugmenter augmenter = new SudokuAugmenter(shape);
    try (DatasetWriter w = DatasetWriter.create(dir, "train", shape.cells())) {
      for (int g = 0; g < originals.size(); g++) {
        SudokuPuzzle original = originals.get(g);
        w.beginGroup();
        writePuzzle(w, original);
        for (int k = 0; k < augmentations; k++) {
          writePuzzle(w, augmenter.random(random).apply(original));
        }
        progress.update("writing train groups", g + 1, originals.size());
      }
      return w.finish(template(shape));
    }
  }

  /** One puzzle (identifier 0) with its one example. */
  private static void writePuzzle(DatasetWriter w, SudokuPuzzle p) {
    w.beginPuzzle(0);
    w.addExample(p.inputTokens(), p.labelTokens());
  }

  /** A test puzzle: its own group. */
  static void writeAlone(DatasetWriter w, SudokuPuzzle p) {
    w.beginGroup();
    writePuzzle(w, p);
  }
}
