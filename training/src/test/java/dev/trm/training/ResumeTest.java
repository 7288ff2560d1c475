package dev.trm.training;

import static com.google.common.truth.Truth.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.model.ModelDims;
import dev.trm.model.ParamSpec;
import dev.trm.model.ModelTensors;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.TrmConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Train 2k steps straight, or k steps, throw the whole session away (what kill -9 leaves: only the files on disk)
 * and resume for k more: every checkpointed tensor (weights, EMA, optimizer slots and steps, puzzle table, carry)
 * is bit-identical, and so is the training log.
 */
class ResumeTest {
  private static final long K = 7;
  @TempDir static Path dir;
  private static TrmConfig config;
  private static Trainer.Outcome straight;
  private static Trainer.Outcome resumed;

  @BeforeAll
  static void train() {
    Path data = TinyRuns.writeDataset(dir.resolve("data"), 40, 8, 2);
    // Evaluation every 5 steps, so in neither run at step K.
    config = TinyRuns.config(data, "epochs: 20 eval_interval: 1 optimizer: ADAM_ATAN2 lr: 3e-3 weight_decay: 0.1 "
        + "puzzle_emb_lr: 1e-2 ema_rate: 0.9", "puzzle_emb_ndim: 16 halt_max_steps: 4 halt_exploration_prob: 0.5");
    // Both runs start from the same weights with q_halt > 0, so slots halt unless they explore (p = 0.5): the
    // exploration generator's state then decides which slots take new examples.
    Path start = Checkpoints.writeWeightsOnly(dir.resolve("start"), config, DIMS, eagerHalting());
    straight = run(dir.resolve("straight"), start, 2 * K);
    RunDirectory interrupted = new RunDirectory(dir.resolve("interrupted"));
    Trainer.Outcome first = run(interrupted.root(), start, K);
    assertThat(first.lastCheckpoint().getFileName().toString()).isEqualTo("step_" + K);
    resumed = run(interrupted.root(), interrupted.root(), 2 * K);
  }

  private static final ModelDims DIMS = new ModelDims(TinyRuns.VOCAB, TinyRuns.SEQ_LEN, 41);

  /** Small random weights with the halting bias at +5. */
  private static Map<String, WeightTensor> eagerHalting() {
    SplittableRandom rng = new SplittableRandom(5);
    Map<String, WeightTensor> weights = new LinkedHashMap<>();
    for (ParamSpec s : ModelTensors.specs(config.getArch(), DIMS)) {
      float[] v = new float[(int) s.numElements()];
      for (int i = 0; i < v.length; i++) {
        v[i] = s.name().equals(ModelTensors.Q_HEAD_BIAS) ? 5f : (float) (0.2 * rng.nextGaussian());
      }
      weights.put(s.name(), new WeightTensor(s.shape(), v));
    }
    return weights;
  }

  private static Trainer.Outcome run(Path runDir, Path resume, long steps) {
    return new Trainer(new Trainer.Options(config, new RunDirectory(runDir), resume, steps),
        new PrintStream(new ByteArrayOutputStream())).run();
  }

  @Test
  void everyCheckpointedTensorIsBitIdentical() throws IOException {
    Path a = straight.lastCheckpoint();
    Path b = resumed.lastCheckpoint();
    assertThat(b.getFileName().toString()).isEqualTo("step_" + 2 * K);
    assertThat(a.getFileName()).isEqualTo(b.getFileName());
    for (String file : new String[] {"ckpt.index", "ckpt.data-00000-of-00001"}) {
      assertThat(Files.readAllBytes(b.resolve(file))).isEqualTo(Files.readAllBytes(a.resolve(file)));
    }
  }

  @Test
  void slotsHaltedAtDifferentSteps() throws IOException {
    // Guards the premise: exploration, not the cap, decided when slots halted (mean steps strictly between 1 and 4).
    ObjectMapper json = new ObjectMapper();
    boolean mixed = false;
    for (String line : trainLines(straight)) {
      double steps = json.readTree(line).get("train/steps").asDouble();
      mixed |= steps > 1 && steps < 4;
    }
    assertThat(mixed).isTrue();
  }

  @Test
  void theTrainingLogContinuesIdentically() throws IOException {
    assertThat(trainLines(resumed)).isEqualTo(trainLines(straight));
  }

  /** The train lines without their wall-clock fields, which no two runs share. */
  private static java.util.List<String> trainLines(Trainer.Outcome o) throws IOException {
    return Files.readAllLines(o.runDir().metrics()).stream().filter(l -> l.contains("train/lm_loss"))
        .map(l -> l.replaceAll(",\"time/[^\"]*\":[-0-9.eE]+", "")).toList();
  }
}
