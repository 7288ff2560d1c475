package dev.trm.bench;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.model.ModelDims;
import dev.trm.model.config.DataConfig;
import dev.trm.model.config.TrmConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchDimsTest {
  @Test
  void parsesThreeSizes() {
    assertThat(BenchDims.parse("11, 81,1")).isEqualTo(new ModelDims(11, 81, 1));
  }

  @Test
  void refusesBadText() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchDims.parse("11,81"));
    assertThat(e).hasMessageThat().contains("--dims");
    assertThrows(IllegalArgumentException.class, () -> BenchDims.parse("11,x,1"));
  }

  @Test
  void readsTheBuiltDatasetsMetadata(@TempDir Path repo) throws Exception {
    Path train = Files.createDirectories(repo.resolve("data/s/train"));
    Files.writeString(train.resolve("dataset.json"), "{\"pad_id\":0,\"ignore_label_id\":0,\"blank_identifier_id\":0,"
        + "\"vocab_size\":8,\"seq_len\":36,\"num_puzzle_identifiers\":1,\"total_groups\":10,"
        + "\"mean_puzzle_examples\":1.0,\"total_puzzles\":10,\"sets\":[\"all\"]}");
    assertThat(BenchDims.fromDataset(config("data/s"), repo)).isEqualTo(new ModelDims(8, 36, 1));
  }

  @Test
  void aMissingDatasetSaysHowToPassTheSizes(@TempDir Path repo) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BenchDims.fromDataset(config("data/none"), repo));
    assertThat(e).hasMessageThat().contains("data/none/train/dataset.json");
    assertThat(e).hasMessageThat().contains("--dims");
  }

  private static TrmConfig config(String path) {
    return TrmConfig.newBuilder().setData(DataConfig.newBuilder().setPath(path)).build();
  }
}
