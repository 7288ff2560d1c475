package dev.trm.datasets;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token ids and labels outside the vocabulary are found before a batch is formed, naming the file, row and value:
 * at open for a small split, and row by row as batches are read when the split is too large to scan at open.
 */
class BadTokensTest {
  @TempDir Path dir;

  /** TinyDataset's 12 examples (input token 0 = example number) with vocab_size lowered to 10: row 10 is bad. */
  private Path tooSmallVocabulary() throws IOException {
    TinyDataset.write(dir, "train", new int[][] {{4}, {4}, {4}});
    Path meta = dir.resolve("train").resolve(DatasetMetadata.FILE_NAME);
    ObjectMapper json = new ObjectMapper();
    ObjectNode node = (ObjectNode) json.readTree(meta.toFile());
    node.put("vocab_size", 10);
    json.writeValue(meta.toFile(), node);
    return meta;
  }

  @Test
  void aSmallSplitIsRefusedAtOpen() throws IOException {
    Path meta = tooSmallVocabulary();
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> PuzzleDataset.open(dir, "train"));
    assertThat(e).hasMessageThat().isEqualTo(PuzzleDataset.arrayFile(dir.resolve("train"), "inputs")
        + ": row 10, position 0: token id 10 is outside [0, vocab_size=10) of " + meta);
  }

  @Test
  void aLargeSplitIsRefusedWhenTheBadRowIsRead() throws IOException {
    tooSmallVocabulary();
    PuzzleDataset ds = PuzzleDataset.open(dir, "train", 0);
    TestIterator it = new TestIterator(ds, 5, 0);
    it.next();
    it.next();  // rows 5..9 are fine
    DatasetFormatException e = assertThrows(DatasetFormatException.class, it::next);
    assertThat(e).hasMessageThat().contains("all__inputs.npy: row 10, position 0: token id 10");
  }

  @Test
  void labelsOutsideTheVocabularyAreRefusedButTheIgnoreLabelIsNot() throws IOException {
    TinyDataset.write(dir, "train", new int[][] {{3}});
    Path labels = PuzzleDataset.arrayFile(dir.resolve("train"), "labels");
    // Label ids of an int32 split: the dataset's ignore id 0 and -100 are both allowed; 300 is not.
    Npy.write(labels, new long[] {3, 4}, new int[] {0, 1, 2, 3, -100, 1, 2, 3, 0, 1, 300, 3}, NpyDtype.INT32);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> PuzzleDataset.open(dir, "train"));
    assertThat(e).hasMessageThat().contains(labels + ": row 2, position 2: label 300 is outside [0, vocab_size=256)");
    assertThat(e).hasMessageThat().endsWith("and is not the ignore label");
  }
}
