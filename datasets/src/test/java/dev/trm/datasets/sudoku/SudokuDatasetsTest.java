package dev.trm.datasets.sudoku;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.datasets.BuildReport;
import dev.trm.datasets.DatasetFormatException;
import dev.trm.datasets.Identifiers;
import dev.trm.datasets.Progress;
import dev.trm.datasets.PuzzleDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SudokuDatasetsTest {
  @TempDir Path dir;

  /** A CSV of {@code n} generated 9x9 puzzles, the first {@code dupes} repeated at the end. */
  private Path csv(String name, int n, int dupes, long seed) throws IOException {
    SudokuGenerator g = new SudokuGenerator(SudokuShape.NINE, 30, seed);
    List<String> lines = new ArrayList<>(List.of(SudokuCsvReader.HEADER));
    for (int i = 0; i < n; i++) {
      SudokuPuzzle p = g.next();
      lines.add("gen," + p.questionText() + "," + p.answerText() + "," + i);
    }
    lines.addAll(lines.subList(1, 1 + dupes));
    Path f = dir.resolve(name);
    Files.write(f, lines);
    return f;
  }

  /** Decodes row {@code example} of a split back into a puzzle (tokens minus 1). */
  private static SudokuPuzzle row(PuzzleDataset ds, long example, SudokuShape shape) {
    int[] in = new int[ds.seqLen()];
    int[] out = new int[ds.seqLen()];
    ds.readInputs(example, in, 0);
    ds.readLabels(example, out, 0);
    for (int i = 0; i < in.length; i++) {
      in[i]--;
      out[i]--;
    }
    return new SudokuPuzzle(shape, in, out);
  }

  @Test
  void csvBuildSubsamplesAugmentsAndKeepsTestDisjoint() throws IOException {
    Path input = csv("train.csv", 40, 3, 1);
    BuildReport report = SudokuDatasets.fromCsv(new SudokuCsvSpec(input, null, 10, 5, 0, 7), dir.resolve("out"), Progress.NONE);
    assertThat(report.notes().get(0)).contains("43 rows, 40 distinct, 3 duplicate questions skipped");

    PuzzleDataset train = PuzzleDataset.open(dir.resolve("out"), "train");
    PuzzleDataset test = PuzzleDataset.open(dir.resolve("out"), "test");
    assertThat(train.numGroups()).isEqualTo(10);
    assertThat(train.numPuzzles()).isEqualTo(60);
    assertThat(train.numExamples()).isEqualTo(60);
    assertThat(train.metadata().vocabSize()).isEqualTo(11);
    assertThat(train.metadata().seqLen()).isEqualTo(81);
    assertThat(train.metadata().numPuzzleIdentifiers()).isEqualTo(1);
    assertThat(test.numGroups()).isEqualTo(30);
    assertThat(test.numExamples()).isEqualTo(30);
    assertThat(Identifiers.read(dir.resolve("out"))).containsExactly("<blank>");

    Set<String> originals = new HashSet<>();
    Set<String> csvQuestions = new HashSet<>();
    SudokuCsvReader.forEach(input, r -> csvQuestions.add(r.puzzle().questionText()));
    for (int g = 0; g < train.numGroups(); g++) {
      SudokuPuzzle original = row(train, train.puzzleStart(train.groupStart(g)), SudokuShape.NINE);
      assertThat(csvQuestions).contains(original.questionText());
      originals.add(original.questionText());
      for (int p = train.groupStart(g); p < train.groupEnd(g); p++) {
        SudokuPuzzle aug = row(train, train.puzzleStart(p), SudokuShape.NINE);
        assertThat(SudokuRules.isSolved(aug)).isTrue();
        assertThat(aug.givens()).isEqualTo(original.givens());
        assertThat(train.puzzleIdentifier(p)).isEqualTo(0);
      }
    }
    assertThat(originals).hasSize(10);
    for (long e = 0; e < test.numExamples(); e++) {
      SudokuPuzzle t = row(test, e, SudokuShape.NINE);
      assertThat(SudokuRules.isSolved(t)).isTrue();
      assertThat(originals).doesNotContain(t.questionText());
    }
  }

  @Test
  void sameSeedSameBuild() throws IOException {
    Path input = csv("train.csv", 20, 0, 2);
    SudokuDatasets.fromCsv(new SudokuCsvSpec(input, null, 5, 2, 0, 3), dir.resolve("a"), Progress.NONE);
    SudokuDatasets.fromCsv(new SudokuCsvSpec(input, null, 5, 2, 0, 3), dir.resolve("b"), Progress.NONE);
    for (String split : List.of("train", "test")) {
      for (String field : PuzzleDataset.FIELDS) {
        assertThat(Files.readAllBytes(PuzzleDataset.arrayFile(dir.resolve("a").resolve(split), field)))
            .isEqualTo(Files.readAllBytes(PuzzleDataset.arrayFile(dir.resolve("b").resolve(split), field)));
      }
    }
  }

  @Test
  void separateTestCsvIsSubsampledAndLosesQuestionsSeenInTrain() throws IOException {
    Path input = csv("train.csv", 12, 0, 4);
    Path testCsv = dir.resolve("test.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(csv("t.csv", 20, 0, 5)));
    lines.addAll(Files.readAllLines(input).subList(1, 13)); // every train row also in the test file
    Files.write(testCsv, lines);
    BuildReport r = SudokuDatasets.fromCsv(new SudokuCsvSpec(input, testCsv, 0, 1, 15, 0), dir.resolve("out"), Progress.NONE);
    assertThat(r.test().totalPuzzles()).isEqualTo(15);
    assertThat(r.train().totalGroups()).isEqualTo(12);
    assertThat(r.notes().get(1)).contains("12 questions also in train skipped");
  }

  @Test
  void tooLargeASubsampleIsAnError() throws IOException {
    Path input = csv("train.csv", 5, 0, 6);
    DatasetFormatException e = assertThrows(DatasetFormatException.class,
        () -> SudokuDatasets.fromCsv(new SudokuCsvSpec(input, null, 6, 1, 0, 0), dir.resolve("out"), Progress.NONE));
    assertThat(e).hasMessageThat().contains("only 5 distinct rows");
  }

  @Test
  void generatedDatasetHasDisjointUniquePuzzlesAndValidAugmentations() {
    BuildReport r = SudokuDatasets.generate(new SudokuGenerationSpec(6, 14, 20, 10, 3, 0), dir.resolve("gen"));
    PuzzleDataset train = PuzzleDataset.open(dir.resolve("gen"), "train");
    PuzzleDataset test = PuzzleDataset.open(dir.resolve("gen"), "test");
    assertThat(r.train().vocabSize()).isEqualTo(8);
    assertThat(train.seqLen()).isEqualTo(36);
    assertThat(train.numGroups()).isEqualTo(20);
    assertThat(train.numPuzzles()).isEqualTo(80);
    Set<String> trainQuestions = new HashSet<>();
    for (long e = 0; e < train.numExamples(); e++) {
      SudokuPuzzle p = row(train, e, SudokuShape.SIX);
      assertThat(SudokuRules.isSolved(p)).isTrue();
      assertThat(p.givens()).isEqualTo(14);
      trainQuestions.add(p.questionText());
    }
    assertThat(test.numExamples()).isEqualTo(10);
    for (long e = 0; e < test.numExamples(); e++) {
      SudokuPuzzle p = row(test, e, SudokuShape.SIX);
      assertThat(SudokuSolver.countSolutions(SudokuShape.SIX, p.question(), 2)).isEqualTo(1);
      assertThat(p.givens()).isEqualTo(14);
      assertThat(trainQuestions).doesNotContain(p.questionText());
    }
  }
}
