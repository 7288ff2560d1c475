package dev.trm.training;

import static com.google.common.truth.Truth.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.model.ModelDims;
import dev.trm.model.ParamSpec;
import dev.trm.model.ModelTensors;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.TrmConfig;
import dev.trm.viz.RunMetrics;
import dev.trm.viz.StepAccuracy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole tiny run: the loss falls, and the run directory holds metrics, events and verified checkpoints. */
class TrainerTest {
  @TempDir static Path dir;
  private static Trainer.Outcome outcome;
  private static TrmConfig config;

  @BeforeAll
  static void train() {
    Path data = TinyRuns.writeDataset(dir.resolve("data"), 40, 16, 1);
    config = TinyRuns.config(data);
    RunDirectory run = new RunDirectory(dir.resolve("run"));
    outcome = new Trainer(new Trainer.Options(config, run, null, 0), new PrintStream(new ByteArrayOutputStream()))
        .run();
  }

  @Test
  void runsTheConfiguredStepsAndEvaluates() {
    // 20 epochs x 40 groups / batch 8 = 100 steps; evaluation every 10 epochs = 50 steps.
    assertThat(outcome.steps()).isEqualTo(100);
    assertThat(outcome.finalEval()).containsKey(Evaluator.EXACT_ACCURACY);
    assertThat(outcome.finalEval().get("eval/count")).isEqualTo(16.0);
  }

  @Test
  void lossFalls() throws IOException {
    List<Double> losses = new ArrayList<>();
    for (JsonNode line : lines()) {
      if (line.has("train/lm_loss")) {
        losses.add(line.get("train/lm_loss").asDouble());
      }
    }
    assertThat(losses).hasSize(100);
    double first = losses.subList(0, 10).stream().mapToDouble(d -> d).average().orElseThrow();
    double last = losses.subList(90, 100).stream().mapToDouble(d -> d).average().orElseThrow();
    assertThat(last).isLessThan(0.8 * first);
  }

  @Test
  void metricsUseTheOfficialNames() throws IOException {
    JsonNode first = lines().get(0);
    for (String key : List.of("step", "train/lm_loss", "train/q_halt_loss", "train/accuracy", "train/exact_accuracy",
        "train/q_halt_accuracy", "train/steps", "train/lr", "train/grad_norm")) {
      assertThat(first.has(key)).isTrue();
    }
    assertThat(lines().stream().filter(l -> l.has("eval/exact_accuracy")).count()).isEqualTo(2);
  }

  @Test
  void writesTensorBoardEvents() throws IOException {
    try (Stream<Path> files = Files.list(outcome.runDir().tensorboard())) {
      assertThat(files.anyMatch(p -> p.getFileName().toString().startsWith("events.out.tfevents"))).isTrue();
    }
  }

  @Test
  void checkpointsHoldEmaAndRawWeightsUnderOfficialNames() {
    Path last = outcome.lastCheckpoint();
    assertThat(last.getFileName().toString()).isEqualTo("step_100");
    assertThat(Checkpoints.latest(outcome.runDir().root())).isEqualTo(last);
    ModelDims dims = Checkpoints.readDims(last);
    Map<String, WeightTensor> raw = Checkpoints.readWeights(last, false);
    Map<String, WeightTensor> ema = Checkpoints.readWeights(last, true);
    List<String> names = ModelTensors.specs(config.getArch(), dims).stream().map(ParamSpec::name).toList();
    assertThat(raw.keySet()).containsExactlyElementsIn(names).inOrder();
    assertThat(ema.keySet()).containsExactlyElementsIn(names).inOrder();
    // The EMA lags the raw weights; buffers and the puzzle table are shared.
    assertThat(ema.get(ModelTensors.LM_HEAD)).isNotEqualTo(raw.get(ModelTensors.LM_HEAD));
    assertThat(ema.get(ModelTensors.H_INIT)).isEqualTo(raw.get(ModelTensors.H_INIT));
    assertThat(ema.get(ModelTensors.PUZZLE_EMB)).isEqualTo(raw.get(ModelTensors.PUZZLE_EMB));
    assertThat(Checkpoints.readConfig(last)).isEqualTo(config);
  }

  @Test
  void signSgdTrainedOnlyTheRowsOfTrainPuzzles() {
    WeightTensor table = Checkpoints.readWeights(outcome.lastCheckpoint(), false).get(ModelTensors.PUZZLE_EMB);
    int dim = (int) table.shape()[1];
    // Row 0 is the blank id: no train example uses it, so it stays at its zero init; the others moved.
    for (int c = 0; c < dim; c++) {
      assertThat(table.data()[c]).isEqualTo(0f);
    }
    assertThat(table.data()[dim]).isNotEqualTo(0f);
  }

  @Test
  void evaluationsRecordTheExactAccuracyAfterEachActStep() {
    int n = config.getArch().getHaltMaxSteps();
    Map<String, Double> eval = outcome.finalEval();
    assertThat(eval.get(StepAccuracy.exactAt(n))).isEqualTo(eval.get(Evaluator.EXACT_ACCURACY));
    assertThat(eval).containsKey(StepAccuracy.exactAt(1));
    assertThat(eval).doesNotContainKey(StepAccuracy.exactAt(n + 1));
    assertThat(eval.get(StepAccuracy.HALTED_CORRECT)).isAtMost(eval.get(StepAccuracy.HALTED));
  }

  @Test
  void evaluationCanContinuePastTheTrainedDepthWithoutChangingTheOfficialMetrics() {
    int n = config.getArch().getHaltMaxSteps();
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    Map<String, Double> official = CheckpointEvaluation.run(outcome.lastCheckpoint(), true, null, null,
        dir.resolve("eval-n"), quiet);
    Map<String, Double> longer = CheckpointEvaluation.run(outcome.lastCheckpoint(), true, null, null, n + 3,
        dir.resolve("eval-n3"), quiet);
    assertThat(longer.get(Evaluator.EXACT_ACCURACY)).isEqualTo(official.get(Evaluator.EXACT_ACCURACY));
    assertThat(longer.get(StepAccuracy.exactAt(n))).isEqualTo(official.get(StepAccuracy.exactAt(n)));
    assertThat(longer).containsKey(StepAccuracy.exactAt(n + 3));
  }

  @Test
  void drawsTheRunsPicturesAndLogsTrainingTime() throws IOException {
    Path root = outcome.runDir().root();
    for (String file : List.of("curves.png", "curves.svg", "accuracy_per_step.png", "accuracy_per_step.svg")) {
      assertThat(Files.size(root.resolve(file))).isGreaterThan(1000L);
    }
    double previous = -1;
    for (JsonNode line : lines()) {
      double seconds = line.get(RunMetrics.TRAIN_SECONDS).asDouble();
      assertThat(seconds).isAtLeast(previous);
      previous = seconds;
    }
  }

  private static List<JsonNode> lines() throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    for (String l : Files.readAllLines(outcome.runDir().metrics())) {
      out.add(json.readTree(l));
    }
    return out;
  }
}
