package dev.trm.datasets.sudoku;

import dev.trm.datasets.BuildReport;
import dev.trm.datasets.DatasetFormatException;
import dev.trm.datasets.DatasetMetadata;
import dev.trm.datasets.DatasetWriter;
import dev.trm.datasets.Identifiers;
import dev.trm.datasets.Permutations;
import dev.trm.datasets.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The CSV build: rows are de-duplicated on the question (the hard-Sudoku sources overlap), a seeded subsample goes
 * to train, and the test split comes from the remaining rows or from a separate CSV (minus any question also in
 * train). Files are streamed twice (choose, then write) so only the train originals are held in memory.
 */
final class SudokuCsvBuild {
  private final SudokuCsvSpec spec;
  private final Path dir;
  private final Progress progress;
  private final SplittableRandom pick;
  private final SplittableRandom augment;
  private final List<String> notes = new ArrayList<>();
  private SudokuShape shape;
  /** Data rows of the CSV last checked by {@link #uniqueRows}. */
  private long rows;

  SudokuCsvBuild(SudokuCsvSpec spec, Path dir, Progress progress) {
    this.spec = spec;
    this.dir = dir;
    this.progress = progress;
    SplittableRandom root = new SplittableRandom(spec.seed());
    this.pick = root.split();
    this.augment = root.split();
  }

  BuildReport run() {
    int[] unique = uniqueRows(spec.input(), Set.of());
    long rowsInInput = rows;
    if (spec.subsample() > unique.length) {
      throw new DatasetFormatException(spec.input() + ": asked for " + spec.subsample() + " train puzzles but it has only "
          + unique.length + " distinct rows");
    }
    BitSet train = choose(unique, spec.subsample());
    BitSet test = null;
    if (spec.testInput() == null) {
      int[] rest = Arrays.stream(unique).filter(r -> !train.get(r)).toArray();
      if (rest.length == 0) {
        throw new IllegalArgumentException(spec.input() + ": no rows left for test after taking " + unique.length + " for train");
      }
      test = choose(rest, spec.testSize());
    }
    List<SudokuPuzzle> originals = new ArrayList<>();
    DatasetMetadata testMeta;
    try (DatasetWriter testWriter = DatasetWriter.create(dir, "test", shape.cells())) {
      BitSet testRows = test;
      long[] ordinal = {0};
      SudokuCsvReader.forEach(spec.input(), row -> {
        int r = (int) ordinal[0]++;
        progress.update("splitting " + spec.input().getFileName(), ordinal[0], rowsInInput);
        if (train.get(r)) {
          originals.add(row.puzzle());
        } else if (testRows != null && testRows.get(r)) {
          SudokuDatasets.writeAlone(testWriter, row.puzzle());
        }
      });
      if (spec.testInput() != null) {
        writeSeparateTest(testWriter, originals);
      }
      testMeta = testWriter.finish(SudokuDatasets.template(shape));
    }
    DatasetMetadata trainMeta = SudokuDatasets.writeTrain(dir, shape, originals, spec.augmentations(), augment, progress);
    Identifiers.write(dir, List.of(Identifiers.BLANK));
    return new BuildReport(dir, trainMeta, testMeta, notes);
  }

  /** Test rows from the separate CSV: de-duplicated, without questions seen in train, optionally subsampled. */
  private void writeSeparateTest(DatasetWriter testWriter, List<SudokuPuzzle> originals) {
    Set<String> trainQuestions = new HashSet<>();
    originals.forEach(p -> trainQuestions.add(p.questionText()));
    int[] unique = uniqueRows(spec.testInput(), trainQuestions);
    if (unique.length == 0) {
      throw new IllegalArgumentException(spec.testInput() + ": no test rows left after removing those also in train");
    }
    BitSet chosen = choose(unique, spec.testSize());
    long[] ordinal = {0};
    SudokuCsvReader.forEach(spec.testInput(), row -> {
      if (chosen.get((int) ordinal[0]++)) {
        checkShape(spec.testInput(), row);
        SudokuDatasets.writeAlone(testWriter, row.puzzle());
      }
    });
  }

  /**
   * Ordinals (0-based data rows) of the first occurrence of each question of {@code csv}, leaving out questions in
   * {@code exclude}; validates every row on the way.
   */
  private int[] uniqueRows(Path csv, Set<String> exclude) {
    Set<String> seen = new HashSet<>();
    List<Integer> unique = new ArrayList<>();
    long[] counts = {0, 0, 0}; // rows, duplicates, excluded
    SudokuCsvReader.forEach(csv, row -> {
      checkShape(csv, row);
      String q = row.puzzle().questionText();
      if (exclude.contains(q)) {
        counts[2]++;
      } else if (seen.add(q)) {
        unique.add((int) counts[0]);
      } else {
        counts[1]++;
      }
      counts[0]++;
      progress.update("checking " + csv.getFileName(), counts[0], 0);
    });
    if (counts[0] == 0) {
      throw new DatasetFormatException(csv + ": has no data rows");
    }
    rows = counts[0];
    notes.add(String.format("%s: %d rows, %d distinct%s%s", csv, counts[0], unique.size(),
        counts[1] > 0 ? ", " + counts[1] + " duplicate questions skipped" : "",
        counts[2] > 0 ? ", " + counts[2] + " questions also in train skipped" : ""));
    return unique.stream().mapToInt(Integer::intValue).toArray();
  }

  private void checkShape(Path csv, SudokuCsvReader.Row row) {
    if (shape == null) {
      shape = row.puzzle().shape();
    } else if (!shape.equals(row.puzzle().shape())) {
      throw new DatasetFormatException(csv + " line " + row.line() + ": a " + row.puzzle().shape().size()
          + "x" + row.puzzle().shape().size() + " Sudoku among " + shape.size() + "x" + shape.size() + " ones");
    }
  }

  /** A seeded subset of {@code k} of {@code rows} (all of them if k is 0 or too large), as a set of ordinals. */
  private BitSet choose(int[] rows, int k) {
    BitSet chosen = new BitSet();
    for (int i : Permutations.choose(rows.length, k == 0 ? rows.length : Math.min(k, rows.length), pick)) {
      chosen.set(rows[i]);
    }
    return chosen;
  }
}
