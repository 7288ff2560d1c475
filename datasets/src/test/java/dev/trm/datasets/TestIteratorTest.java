package dev.trm.datasets;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestIteratorTest {
  @TempDir static Path dir;
  static PuzzleDataset data;

  @BeforeAll
  static void write() {
    TinyDataset.write(dir, "test", new int[][] {{2, 1}, {3}, {1}});
    data = PuzzleDataset.open(dir, "test");
  }

  @Test
  void walksExamplesInFileOrderAndPadsTheLastBatch() {
    TestIterator it = new TestIterator(data, 4, 0);
    assertThat(it.numBatches()).isEqualTo(2);
    Batch first = it.next();
    assertThat(it.batchOffset()).isEqualTo(0);
    assertThat(first.valid()).isEqualTo(4);
    for (int row = 0; row < 4; row++) {
      assertThat(TinyDataset.exampleOf(first, row)).isEqualTo(row);
      assertThat(first.puzzleIds()[row]).isEqualTo(data.puzzleIdentifier(data.puzzleOfExample(row)));
    }
    assertThat(first.labels()[0]).isEqualTo(Batch.IGNORE_LABEL);
    Batch last = it.next();
    assertThat(it.batchOffset()).isEqualTo(4);
    assertThat(last.valid()).isEqualTo(3);
    assertThat(TinyDataset.exampleOf(last, 2)).isEqualTo(6);
    assertThat(last.puzzleIds()[2]).isEqualTo(4);
    int seqLen = TinyDataset.SEQ_LEN;
    for (int i = 3 * seqLen; i < 4 * seqLen; i++) {
      assertThat(last.inputs()[i]).isEqualTo(data.metadata().padId());
      assertThat(last.labels()[i]).isEqualTo(Batch.IGNORE_LABEL);
    }
    assertThat(last.puzzleIds()[3]).isEqualTo(data.metadata().blankIdentifierId());
    assertThat(it.hasNext()).isFalse();
  }

  @Test
  void maxExamplesStopsEarly() {
    TestIterator it = new TestIterator(data, 2, 3);
    assertThat(it.numExamples()).isEqualTo(3);
    it.next();
    Batch b = it.next();
    assertThat(b.valid()).isEqualTo(1);
    assertThat(TinyDataset.exampleOf(b, 0)).isEqualTo(2);
    assertThat(it.hasNext()).isFalse();
  }
}
