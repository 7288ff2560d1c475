package dev.trm.training;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.datasets.Batch;
import dev.trm.model.ModelDims;
import dev.trm.model.config.ConfigLoader;
import dev.trm.model.config.TrmConfig;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each paper config (configs/*.pbtxt but the CPU one) builds its full training graph and runs a few optimizer steps
 * on CPU with a batch of 2, on random tokens shaped like its dataset (the datasets themselves are not needed). A
 * smoke run, not convergence: it prints examples/s per config. Slow (minutes): {@code mvn -q -pl training test -Dslow
 * -Dtest=PaperConfigSmokeTest}.
 */
@Tag("slow")
class PaperConfigSmokeTest {
  private static final int BATCH = 2;
  private static final int STEPS = 3;

  static Stream<String> paperConfigs() {
    return Stream.of("sudoku-att", "sudoku-mlp", "maze-att", "arc1", "arc2");
  }

  /** The dataset.json sizes of each task; ARC tables at their official size (~876k, ~1.28M ids). */
  private static ModelDims dimsOf(String name) {
    return switch (name) {
      case "sudoku-att", "sudoku-mlp" -> new ModelDims(11, 81, 1);
      case "maze-att" -> new ModelDims(6, 900, 1);
      case "arc1" -> new ModelDims(12, 900, 876_406);
      case "arc2" -> new ModelDims(12, 900, 1_281_281);
      default -> throw new IllegalArgumentException(name);
    };
  }

  @ParameterizedTest
  @MethodSource("paperConfigs")
  void startsAndTrainsAFewSteps(String name) {
    Path repo = Path.of(System.getProperty("trm.repo", "."));
    TrmConfig config = ConfigLoader.load(repo.resolve("configs").resolve(name + ".pbtxt"));
    ModelDims dims = dimsOf(name);
    long buildStart = System.nanoTime();
    try (TrainStepGraph graph = TrainStepGraph.create(config, dims, BATCH)) {
      double buildSeconds = (System.nanoTime() - buildStart) / 1e9;
      SplittableRandom rng = new SplittableRandom(1);
      StepResult first = graph.step(randomBatch(dims, rng));
      long start = System.nanoTime();
      StepResult last = first;
      for (int i = 1; i < STEPS; i++) {
        last = graph.step(randomBatch(dims, rng));
      }
      double secondsPerStep = (System.nanoTime() - start) / 1e9 / (STEPS - 1);
      System.out.printf("%-11s graph %.1f s, %.2f s/step, %.2f examples/s (batch %d, T=%d n=%d, L=%d), loss %.3f%n",
          name, buildSeconds, secondsPerStep, BATCH / secondsPerStep, BATCH, config.getArch().getHCycles(),
          config.getArch().getLCycles(), graph.shape().totalLen(), last.lmLoss());
      assertThat(last.finite()).isTrue();
      assertThat(last.step()).isEqualTo(STEPS);
    }
  }

  private static Batch randomBatch(ModelDims dims, SplittableRandom rng) {
    int n = BATCH * dims.seqLen();
    int[] inputs = new int[n];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      inputs[i] = 1 + rng.nextInt(dims.vocabSize() - 1);
      labels[i] = 1 + rng.nextInt(dims.vocabSize() - 1);
    }
    int[] ids = new int[BATCH];
    for (int b = 0; b < BATCH; b++) {
      ids[b] = rng.nextInt(dims.numPuzzleIdentifiers());
    }
    return new Batch(BATCH, dims.seqLen(), inputs, labels, ids, BATCH);
  }
}
