package dev.trm.datasets.maze;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.datasets.BuildReport;
import dev.trm.datasets.DatasetFormatException;
import dev.trm.datasets.PuzzleDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MazeDatasetsTest {
  @TempDir Path dir;

  private static Maze row(PuzzleDataset ds, long example, int size) {
    int[] in = new int[ds.seqLen()];
    int[] out = new int[ds.seqLen()];
    ds.readInputs(example, in, 0);
    ds.readLabels(example, out, 0);
    return new Maze(size, in, out);
  }

  @Test
  void generatedDatasetHasDisjointLayoutsAugmentedTrainAndAMatchingCsv() {
    BuildReport r = MazeDatasets.generate(new MazeGenerationSpec(12, 25, 6, 4, true, 3), dir.resolve("m"));
    assertThat(r.notes().get(0)).contains("mazes/s");
    PuzzleDataset train = PuzzleDataset.open(dir.resolve("m"), "train");
    PuzzleDataset test = PuzzleDataset.open(dir.resolve("m"), "test");
    assertThat(train.metadata().vocabSize()).isEqualTo(6);
    assertThat(train.seqLen()).isEqualTo(144);
    assertThat(train.numGroups()).isEqualTo(6);
    assertThat(train.numPuzzles()).isEqualTo(48);
    assertThat(test.numPuzzles()).isEqualTo(4);
    Set<String> trainLayouts = new HashSet<>();
    for (long e = 0; e < train.numExamples(); e++) {
      Maze m = row(train, e, 12);
      int[] paths = MazeGeneratorTest.shortestPathsToGoal(m);
      assertThat(paths[1]).isEqualTo(1);
      assertThat(paths[0] + 1).isGreaterThan(25);
      MazeGeneratorTest.assertLabelIsAPath(m);
      trainLayouts.add(m.wallKey());
    }
    for (long e = 0; e < test.numExamples(); e++) {
      assertThat(trainLayouts).doesNotContain(row(test, e, 12).wallKey());
    }
    List<Maze> csvTrain = MazeCsv.read(dir.resolve("m/train.csv"));
    assertThat(csvTrain).hasSize(6);
    assertThat(csvTrain.get(1).answer()).isEqualTo(row(train, 8, 12).answer());
  }

  @Test
  void csvBuildReproducesTheGeneratedArrays() throws IOException {
    MazeDatasets.generate(new MazeGenerationSpec(10, 20, 5, 5, false, 4), dir.resolve("gen"));
    MazeDatasets.fromCsv(dir.resolve("gen"), dir.resolve("csv"), false);
    for (String split : List.of("train", "test")) {
      for (String field : PuzzleDataset.FIELDS) {
        assertThat(Files.readAllBytes(PuzzleDataset.arrayFile(dir.resolve("csv").resolve(split), field)))
            .isEqualTo(Files.readAllBytes(PuzzleDataset.arrayFile(dir.resolve("gen").resolve(split), field)));
      }
    }
  }

  private void assertRejected(String question, String answer, String fragment) throws IOException {
    Path f = dir.resolve("bad.csv");
    Files.write(f, List.of(MazeCsv.HEADER, "x,S  G,So G,4", "x," + question + "," + answer + ",3"));
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> MazeCsv.read(f));
    assertThat(e).hasMessageThat().contains("bad.csv line 3");
    assertThat(e).hasMessageThat().contains(fragment);
  }

  @Test
  void malformedRowsNameFileAndLine() throws IOException {
    assertRejected("S  x", "S  G", "'question' has 'x'");
    assertRejected("S oG", "S oG", "path mark");
    assertRejected("S #G", "S oG", "differs from the question at cell 2");
    assertRejected("S  S", "S  S", "exactly one S and one G");
    assertRejected("S G", "S G", "not a square grid");
  }
}
