package dev.trm.datasets;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainSamplerTest {
  @TempDir static Path dir;
  static PuzzleDataset data;
  /** 12 groups of 1..3 puzzles with 1..4 examples each. */
  static final int[][] GROUPS = {{3, 1}, {2}, {4, 2, 1}, {1}, {2, 2}, {3}, {1, 4}, {2, 3, 1}, {1}, {4}, {2, 1}, {3, 3}};
  static final Map<Integer, Integer> GROUP_OF_PUZZLE = new HashMap<>();

  @BeforeAll
  static void write() {
    TinyDataset.write(dir, "train", GROUPS);
    data = PuzzleDataset.open(dir, "train");
    for (int g = 0; g < data.numGroups(); g++) {
      for (int p = data.groupStart(g); p < data.groupEnd(g); p++) {
        GROUP_OF_PUZZLE.put(p, g);
      }
    }
  }

  private static List<Batch> draw(TrainSampler s, int n) {
    List<Batch> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(s.next());
    }
    return out;
  }

  private static void assertSameBatches(List<Batch> a, List<Batch> b) {
    assertThat(a).hasSize(b.size());
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).inputs()).isEqualTo(b.get(i).inputs());
      assertThat(a.get(i).labels()).isEqualTo(b.get(i).labels());
      assertThat(a.get(i).puzzleIds()).isEqualTo(b.get(i).puzzleIds());
    }
  }

  @Test
  void sameSeedSameBatchesOtherSeedOtherBatches() {
    List<Batch> a = draw(new TrainSampler(data, 5, 42), 30);
    List<Batch> b = draw(new TrainSampler(data, 5, 42), 30);
    assertSameBatches(a, b);
    List<Batch> c = draw(new TrainSampler(data, 5, 43), 30);
    boolean anyDifferent = false;
    for (int i = 0; i < a.size(); i++) {
      anyDifferent |= !java.util.Arrays.equals(a.get(i).inputs(), c.get(i).inputs());
    }
    assertThat(anyDifferent).isTrue();
  }

  @Test
  void restoredStateContinuesWithIdenticalBatches() throws Exception {
    TrainSampler s = new TrainSampler(data, 5, 7, 2);
    draw(s, 9);
    SamplerState state = s.state();
    List<Batch> expected = draw(s, 25);

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(state);
    }
    SamplerState stored;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      stored = (SamplerState) in.readObject();
    }
    TrainSampler resumed = new TrainSampler(data, 5, 999, 2);
    resumed.restore(stored);
    assertSameBatches(draw(resumed, 25), expected);
    assertThrows(IllegalArgumentException.class, () -> new TrainSampler(data, 6, 7, 2).restore(stored));
  }

  @Test
  void eachIterationUsesOnePuzzlePerGroupAndPacksWholePuzzles() {
    TrainSampler s = new TrainSampler(data, 5, 3);
    for (int iteration = 0; iteration < 20; iteration++) {
      Map<Integer, Integer> puzzleOfGroup = new HashMap<>();
      Set<Integer> examples = new HashSet<>();
      while (true) {
        Batch b = s.next();
        if (s.state().iteration() != iteration) {
          assertThat(s.state().iteration()).isEqualTo(iteration + 1);
          break;
        }
        assertThat(b.valid()).isEqualTo(5);
        int row = 0;
        while (row < 5) {
          int puzzle = TinyDataset.puzzleOf(b, row);
          int run = 0;
          while (row + run < 5 && TinyDataset.puzzleOf(b, row + run) == puzzle) {
            int example = TinyDataset.exampleOf(b, row + run);
            assertThat(examples.add(example)).isTrue(); // no example twice per epoch
            assertThat(data.puzzleOfExample(example)).isEqualTo(puzzle);
            assertThat(b.puzzleIds()[row + run]).isEqualTo(puzzle + 1);
            run++;
          }
          int size = (int) (data.puzzleEnd(puzzle) - data.puzzleStart(puzzle));
          // A puzzle is packed whole, except the one cut off by the end of the batch.
          if (row + run < 5) {
            assertThat(run).isEqualTo(size);
          } else {
            assertThat(run).isAtMost(size);
          }
          Integer previous = puzzleOfGroup.put(GROUP_OF_PUZZLE.get(puzzle), puzzle);
          assertThat(previous).isNull(); // each group visited at most once per epoch
          row += run;
        }
      }
    }
  }

  @Test
  void labelsMapTheIgnoreIdAndTheLastPartialBatchIsDropped() {
    TinyDataset.write(dir, "flat", new int[][] {{1}, {1}, {1}, {1}, {1}, {1}, {1}, {1}, {1}, {1}});
    PuzzleDataset flat = PuzzleDataset.open(dir, "flat");
    TrainSampler s = new TrainSampler(flat, 4, 1);
    Batch b = s.next();
    assertThat(b.labels()[0]).isEqualTo(Batch.IGNORE_LABEL);
    assertThat(b.labels()[2]).isEqualTo(3);
    s.next();
    assertThat(s.epochsDone()).isEqualTo(0.8);
    assertThat(s.epoch()).isEqualTo(0);
    s.next();
    assertThat(s.state().iteration()).isEqualTo(1);
    assertThat(s.epochsDone()).isEqualTo(1.4);
    assertThat(s.epoch()).isEqualTo(1);
  }

  @Test
  void aBatchLargerThanAnIterationIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainSampler(data, 1000, 0));
    assertThat(e).hasMessageThat().contains("batch size 1000");
  }
}
