package dev.trm.training;

import static com.google.common.truth.Truth.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.datasets.Progress;
import dev.trm.datasets.arc.ArcDatasetBuilder;
import dev.trm.datasets.arc.ArcSources;
import dev.trm.datasets.arc.ArcSubset;
import dev.trm.datasets.arc.ArcTask;
import dev.trm.model.config.ConfigLoader;
import dev.trm.model.config.TrmConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code eval.evaluators: "arc"} every evaluation also votes over the augmented predictions: the metrics gain
 * {@code ARC/pass@K} and {@code evaluator_ARC_step_<N>/submission.json} names every test task; {@code trm evaluate}
 * reproduces the trainer's numbers from the checkpoint. (The voting itself is tested with the ARC evaluator.)
 */
class ArcEvaluationTest {
  @TempDir static Path dir;
  private static Trainer.Outcome outcome;
  private static List<String> testTasks;

  @BeforeAll
  static void trainOnATinyArcBuild() {
    Path shared = Path.of(System.getProperty("trm.shared", "../../shared")).resolve("data/arc");
    List<ArcSubset> arc1 = new ArcSources(shared).resolve("arc-agi-1");
    ArcSubset training = new ArcSubset("few/training", arc1.get(0).tasks().subList(0, 2), true);
    List<ArcTask> evalTasks = arc1.get(1).tasks().subList(0, 2);
    ArcSubset evaluation = new ArcSubset("few/evaluation", evalTasks, true);
    testTasks = evalTasks.stream().map(ArcTask::id).toList();
    Path data = dir.resolve("arc");
    new ArcDatasetBuilder(List.of(training, evaluation), "evaluation", 2, 42).build(data, Progress.NONE);
    TrmConfig config = ConfigLoader.parse("tiny-arc", """
        name: "tiny-arc"
        data { path: "%s" }
        arch {
          hidden_size: 16 num_heads: 2 expansion: 2 l_layers: 1 h_cycles: 1 l_cycles: 1
          pos_encodings: ROPE rope_theta: 10000 rms_norm_eps: 1e-5 puzzle_emb_ndim: 16 puzzle_emb_len: 1
          mlp_t: false forward_dtype: FLOAT32 halt_max_steps: 2 halt_exploration_prob: 0.1 no_act_continue: true
          loss_type: STABLEMAX_CROSS_ENTROPY
        }
        train {
          global_batch_size: 4 epochs: 2 eval_interval: 1 optimizer: ADAM_ATAN2 lr: 1e-2 lr_min_ratio: 1.0
          lr_warmup_steps: 0 weight_decay: 0.1 beta1: 0.9 beta2: 0.95 adam_epsilon: 1e-8 grad_clip_norm: 0
          puzzle_emb_lr: 1e-2 puzzle_emb_weight_decay: 0.1 ema_rate: 0.9 ema_warmup: false loop: STREAMING seed: 0
          checkpoints_keep: 1 max_train_seconds: 0
        }
        eval { batch_size: 8 max_examples: 0 evaluators: "arc" aggregated_voting: false }
        """.formatted(data));
    outcome = new Trainer(new Trainer.Options(config, new RunDirectory(dir.resolve("run")), null, 3),
        new PrintStream(new ByteArrayOutputStream())).run();
  }

  @Test
  void evaluationReportsPassAtK() {
    for (String k : List.of("1", "2", "5", "10", "100", "1000")) {
      assertThat(outcome.finalEval()).containsKey("ARC/pass@" + k);
    }
    assertThat(outcome.finalEval().get("ARC/pass@2")).isAtLeast(0.0);
  }

  @Test
  void writesASubmissionForEveryTestTask() throws IOException {
    Path submission = outcome.runDir().root().resolve("evaluator_ARC_step_" + outcome.steps())
        .resolve("submission.json");
    JsonNode json = new ObjectMapper().readTree(submission.toFile());
    List<String> tasks = new ArrayList<>();
    json.fieldNames().forEachRemaining(tasks::add);
    assertThat(tasks).containsExactlyElementsIn(testTasks);
    assertThat(json.get(testTasks.get(0)).get(0).has("attempt_2")).isTrue();
  }

  @Test
  void evaluatingTheCheckpointReproducesTheTrainersNumbers() {
    Map<String, Double> again = CheckpointEvaluation.run(outcome.lastCheckpoint(), true, null, null,
        dir.resolve("again"), new PrintStream(new ByteArrayOutputStream()));
    assertThat(again).isEqualTo(outcome.finalEval());
    assertThat(Files.exists(dir.resolve("again/evaluator_ARC_step_" + outcome.steps() + "/submission.json"))).isTrue();
  }
}
