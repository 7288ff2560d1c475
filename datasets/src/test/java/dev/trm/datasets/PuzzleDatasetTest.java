package dev.trm.datasets;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PuzzleDatasetTest {
  @TempDir Path dir;

  @Test
  void writerAndDatasetRoundTrip() {
    DatasetMetadata meta = TinyDataset.write(dir, "train", new int[][] {{2, 1}, {3}, {1, 1, 1}});
    assertThat(meta.totalGroups()).isEqualTo(3);
    assertThat(meta.totalPuzzles()).isEqualTo(6);
    assertThat(meta.meanPuzzleExamples()).isEqualTo(9.0 / 6);

    PuzzleDataset ds = PuzzleDataset.open(dir, "train");
    assertThat(ds.metadata()).isEqualTo(meta);
    assertThat(ds.numExamples()).isEqualTo(9);
    assertThat(ds.numPuzzles()).isEqualTo(6);
    assertThat(ds.numGroups()).isEqualTo(3);
    assertThat(ds.groupStart(1)).isEqualTo(2);
    assertThat(ds.groupEnd(2)).isEqualTo(6);
    assertThat(ds.puzzleStart(2)).isEqualTo(3);
    assertThat(ds.puzzleEnd(2)).isEqualTo(6);
    assertThat(ds.puzzleIdentifier(5)).isEqualTo(6);
    assertThat(ds.puzzleOfExample(4)).isEqualTo(2);
    int[] row = new int[TinyDataset.SEQ_LEN];
    ds.readInputs(7, row, 0);
    assertThat(row).isEqualTo(new int[] {7, 0, 4, 1});
    ds.readLabels(7, row, 0);
    assertThat(row).isEqualTo(new int[] {0, 7, 3, 4});
    assertThat(ds.inputs().dtype()).isEqualTo(NpyDtype.UINT8);
    assertThat(Npy.read(PuzzleDataset.arrayFile(dir.resolve("train"), "group_indices")).dtype()).isEqualTo(NpyDtype.INT32);
  }

  @Test
  void datasetJsonUsesTheOfficialFieldNames() throws IOException {
    TinyDataset.write(dir, "test", new int[][] {{1}});
    String json = Files.readString(dir.resolve("test/dataset.json"));
    assertThat(json).isEqualTo("{\"pad_id\":0,\"ignore_label_id\":0,\"blank_identifier_id\":0,\"vocab_size\":256,"
        + "\"seq_len\":4,\"num_puzzle_identifiers\":2,\"total_groups\":1,\"mean_puzzle_examples\":1.0,"
        + "\"total_puzzles\":1,\"sets\":[\"all\"]}");
  }

  @Test
  void readsHrmMetadataWithoutTotalPuzzlesAndNamesAMissingField() throws IOException {
    Path f = dir.resolve("dataset.json");
    Files.writeString(f, "{\"pad_id\": 0, \"ignore_label_id\": 0, \"blank_identifier_id\": 0, \"vocab_size\": 6,"
        + " \"seq_len\": 900, \"num_puzzle_identifiers\": 1, \"total_groups\": 1000, \"mean_puzzle_examples\": 1.0,"
        + " \"sets\": [\"all\"]}");
    DatasetMetadata m = DatasetMetadata.read(f);
    assertThat(m.totalPuzzles()).isNull();
    assertThat(m.seqLen()).isEqualTo(900);

    Files.writeString(f, "{\"pad_id\": 0, \"ignore_label_id\": null, \"blank_identifier_id\": 0, \"seq_len\": 9,"
        + " \"num_puzzle_identifiers\": 1, \"total_groups\": 1, \"mean_puzzle_examples\": 1.0, \"sets\": [\"all\"]}");
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> DatasetMetadata.read(f));
    assertThat(e).hasMessageThat().contains("dataset.json");
    assertThat(e).hasMessageThat().contains("vocab_size");
  }

  @Test
  void missingFilesAreAllNamed() throws IOException {
    TinyDataset.write(dir, "train", new int[][] {{1}});
    Files.delete(dir.resolve("train/all__labels.npy"));
    Files.delete(dir.resolve("train/all__group_indices.npy"));
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> PuzzleDataset.open(dir, "train"));
    assertThat(e).hasMessageThat().contains("all__labels.npy");
    assertThat(e).hasMessageThat().contains("all__group_indices.npy");
    assertThat(e).hasMessageThat().doesNotContain("all__inputs.npy");

    DatasetFormatException none = assertThrows(DatasetFormatException.class, () -> PuzzleDataset.open(dir, "test"));
    assertThat(none).hasMessageThat().contains("dataset.json");
  }

  @Test
  void inconsistentIndicesAreRejectedNamingTheFile() {
    TinyDataset.write(dir, "train", new int[][] {{1, 2}, {1}});
    Path split = dir.resolve("train");
    Npy.write(PuzzleDataset.arrayFile(split, "puzzle_indices"), new long[] {4}, new int[] {0, 2, 1, 4}, NpyDtype.INT32);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> PuzzleDataset.open(dir, "train"));
    assertThat(e).hasMessageThat().contains("all__puzzle_indices.npy: decreases at element 2");

    Npy.write(PuzzleDataset.arrayFile(split, "puzzle_indices"), new long[] {4}, new int[] {0, 1, 3, 4}, NpyDtype.INT32);
    Npy.write(PuzzleDataset.arrayFile(split, "puzzle_identifiers"), new long[] {3}, new int[] {1, 9, 3}, NpyDtype.INT32);
    DatasetFormatException id = assertThrows(DatasetFormatException.class, () -> PuzzleDataset.open(dir, "train"));
    assertThat(id).hasMessageThat().contains("all__puzzle_identifiers.npy: element 1 = 9");

    Npy.write(PuzzleDataset.arrayFile(split, "puzzle_identifiers"), new long[] {3}, new int[] {1, 2, 3}, NpyDtype.INT32);
    Npy.write(PuzzleDataset.arrayFile(split, "labels"), new long[] {3, 4}, new int[12], NpyDtype.UINT8);
    DatasetFormatException shape = assertThrows(DatasetFormatException.class, () -> PuzzleDataset.open(dir, "train"));
    assertThat(shape).hasMessageThat().contains("all__labels.npy: shape [3, 4] differs");
  }

  @Test
  void writerChecksRowsVocabAndEmptyPuzzles() {
    try (DatasetWriter w = DatasetWriter.create(dir, "train", 3)) {
      w.beginGroup();
      w.beginPuzzle(0);
      IllegalArgumentException row = assertThrows(IllegalArgumentException.class, () -> w.addExample(new int[2], new int[3]));
      assertThat(row).hasMessageThat().contains("seq_len 3");
      w.addExample(new int[] {1, 2, 9}, new int[] {1, 2, 3});
      IllegalArgumentException vocab = assertThrows(IllegalArgumentException.class,
          () -> w.finish(DatasetMetadata.template(5, 3, 1)));
      assertThat(vocab).hasMessageThat().contains("token id 9 >= vocab_size 5");
    }
    assertThat(Files.exists(dir.resolve("train/dataset.json"))).isFalse();
    assertThat(Files.exists(dir.resolve("train/all__inputs.npy"))).isFalse();

    try (DatasetWriter w = DatasetWriter.create(dir, "train", 3)) {
      w.beginGroup();
      w.beginPuzzle(0);
      assertThrows(IllegalStateException.class, () -> w.beginPuzzle(0));
    }
  }

  @Test
  void identifiersRoundTripAndBlankIsRequired() throws IOException {
    Identifiers.write(dir, List.of("<blank>", "task|||t1|||0123456789"));
    assertThat(Identifiers.read(dir)).containsExactly("<blank>", "task|||t1|||0123456789").inOrder();
    Files.writeString(dir.resolve("identifiers.json"), "[\"a\"]");
    assertThat(assertThrows(DatasetFormatException.class, () -> Identifiers.read(dir)))
        .hasMessageThat().contains("identifiers.json: entry 0");
  }
}
