package dev.trm.training;

import static com.google.common.truth.Truth.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.model.config.LoopStyle;
import dev.trm.model.config.TrmConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paper's loop (Fig. 3) runs N_sup optimizer steps on each minibatch from a fresh carry, while the official
 * streaming loop draws a batch every step: after the same 12 steps with N_sup = 4 (nothing halts early with the
 * initial q_halt = -5), per-batch has drawn 3 batches and streaming 12.
 */
class PerBatchLoopTest {
  @TempDir Path dir;

  @Test
  void perBatchDrawsOneBatchPerSupervisionRound() throws IOException {
    assertThat(groupsDrawn(LoopStyle.PER_BATCH)).isEqualTo(3 * 8);
    assertThat(groupsDrawn(LoopStyle.STREAMING)).isEqualTo(12 * 8);
  }

  private long groupsDrawn(LoopStyle loop) throws IOException {
    Path data = TinyRuns.writeDataset(dir.resolve("data-" + loop), 40, 8, 5);
    TrmConfig config = TinyRuns.config(data, "epochs: 20 eval_interval: 20 optimizer: ADAMW lr: 1e-3 "
        + "weight_decay: 0.1 puzzle_emb_lr: 1e-3 ema_rate: 0.9", "puzzle_emb_ndim: 16 halt_max_steps: 4 "
        + "halt_exploration_prob: 0.1");
    config = config.toBuilder().setTrain(config.getTrain().toBuilder().setLoop(loop)).build();
    Trainer.Outcome o = new Trainer(new Trainer.Options(config, new RunDirectory(dir.resolve("run-" + loop)), null,
        12), new PrintStream(new ByteArrayOutputStream())).run();
    assertThat(o.steps()).isEqualTo(12);
    // Every slot halts exactly at the cap, on steps 4, 8 and 12 in both loops.
    List<Double> counts = new java.util.ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(o.runDir().metrics())) {
      if (line.contains("train/count")) {
        counts.add(json.readTree(line).get("train/count").asDouble());
      }
    }
    assertThat(counts).containsExactly(0.0, 0.0, 0.0, 8.0, 0.0, 0.0, 0.0, 8.0, 0.0, 0.0, 0.0, 8.0).inOrder();
    return Checkpoints.readState(o.lastCheckpoint()).sampler().position();
  }
}
