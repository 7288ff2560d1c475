package dev.trm.datasets.arc;

import static com.google.common.truth.Truth.assertThat;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import dev.trm.datasets.Identifiers;
import dev.trm.datasets.Npy;
import dev.trm.datasets.NpyArray;
import dev.trm.datasets.Progress;
import dev.trm.datasets.PuzzleDataset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official ARC-1 recipe on TRM's own input files, with 3 augmentations per task, matches a numpy build.
 *
 * <p>The digests come from an independent Python re-statement of {@code build_arc_dataset.py} run with numpy 2.4.6
 * ({@code np.random.seed(42)}; subsets training, evaluation, concept; test set evaluation; num_aug 3): SHA-256 of the
 * identifier names joined by '\n', and of each array as little-endian int32. Matching them means our identifiers,
 * variants and translations are the official ones, so official checkpoints' puzzle embeddings line up with our ids.
 */
class ArcOfficialBuildTest {
  @TempDir Path tmp;

  @Test
  void matchesTheNumpyBuildBitForBit() {
    List<ArcSubset> subsets =
        new ArcSources(ArcTestData.root()).resolve(List.of("kaggle/training", "kaggle/evaluation", "kaggle/concept"));
    new ArcDatasetBuilder(subsets, "evaluation", 3, 42).build(tmp, Progress.NONE);

    List<String> ids = Identifiers.read(tmp);
    assertThat(ids).hasSize(3841);
    assertThat(Hashing.sha256().hashString(String.join("\n", ids), StandardCharsets.UTF_8).toString())
        .isEqualTo("3e4dc5d2576ffc9aeb4f5acc0e55722b5a7b1b3346d7ea0cf2a30d8d54e3f5a8");

    PuzzleDataset train = PuzzleDataset.open(tmp, "train");
    assertThat(digest(train.inputs())).isEqualTo("f878c65615102531426bba77f8b806e05be9e10a3d177fcc18dba790f905897b");
    assertThat(digest(train.labels())).isEqualTo("3427726cfc281bbb1998cbd20bfe09d576d82bd0d4212fff32a9f1ffcd488809");
    assertThat(digest(array(tmp, "train", "puzzle_identifiers")))
        .isEqualTo("daa75c974601b8de83d021fb891243e773814d221134d4837609701ae617979b");
    assertThat(digest(array(tmp, "train", "puzzle_indices")))
        .isEqualTo("b52334e2f5e9d928ff144af205f6bc9d20b42dde3944d4f6adc9ab179dff7c91");
    assertThat(digest(array(tmp, "train", "group_indices")))
        .isEqualTo("642622fe8b5c8e818e1f8ba06a9e494fc3a3a893b95ac7ed02bd197dfe9d9177");

    PuzzleDataset test = PuzzleDataset.open(tmp, "test");
    assertThat(digest(test.inputs())).isEqualTo("e9cf453e605947447546ed2c0b6da3475f78d3738625e5077ff3f6bd8b4c414b");
    assertThat(digest(test.labels())).isEqualTo("0c0ead525f8bf6fd5e1702f550ba40a7ae0601b9ea0450031782e2ea8114c490");
    assertThat(digest(array(tmp, "test", "puzzle_identifiers")))
        .isEqualTo("d115977bc5d6f7909fbf45566707fbb80cec65d2ca7e4ecb9d61d40c83f968b9");
  }

  private static NpyArray array(Path dir, String split, String field) {
    return Npy.read(PuzzleDataset.arrayFile(dir.resolve(split), field));
  }

  private static String digest(NpyArray array) {
    Hasher h = Hashing.sha256().newHasher();
    int[] chunk = new int[1 << 16];
    for (long at = 0; at < array.size(); at += chunk.length) {
      int n = (int) Math.min(chunk.length, array.size() - at);
      array.readInts(at, chunk, 0, n);
      for (int i = 0; i < n; i++) {
        h.putInt(chunk[i]);
      }
    }
    return h.hash().toString();
  }
}
