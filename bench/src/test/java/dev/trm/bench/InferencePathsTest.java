package dev.trm.bench;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.datasets.Batch;
import dev.trm.model.ModelDims;
import dev.trm.model.config.ConfigLoader;
import dev.trm.model.config.TrmConfig;
import dev.trm.training.Sessions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two inference paths of {@code trm bench --mode infer} run the same model to the same depth. */
class InferencePathsTest {
  private static final Path REPO = Path.of(System.getProperty("trm.repo", ".."));
  private static final ModelDims DIMS = new ModelDims(8, 36, 1);

  @Test
  void inProcessAndSavedModelPredictTheSame(@TempDir Path base) {
    TrmConfig config = ConfigLoader.load(REPO.resolve("configs/sudoku6-cpu.pbtxt"));
    Batch batch = SyntheticBatch.of(DIMS, 2, 7);
    int[] inProcess;
    try (InProcessInference graph = InProcessInference.create(config, DIMS, 2, Sessions.config())) {
      assertThat(graph.actSteps()).isEqualTo(config.getArch().getHaltMaxSteps());
      inProcess = graph.run(batch);
    }
    // Both start from the config's seeded initial weights.
    Path exported = SavedModelInference.exportFresh(config, DIMS, base, Sessions.config());
    try (SavedModelInference saved = SavedModelInference.load(exported, Sessions.config())) {
      assertThat(saved.run(batch)).isEqualTo(inProcess);
    }
  }

  @Test
  void aDirectoryWithoutASavedModelIsRefused(@TempDir Path empty) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SavedModelInference.load(empty, Sessions.config()));
    assertThat(e).hasMessageThat().contains("saved_model.pb");
  }
}
