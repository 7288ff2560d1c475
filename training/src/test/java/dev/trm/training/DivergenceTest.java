package dev.trm.training;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.model.config.TrmConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A loss that turns NaN/Inf stops the run with a clear message; the checkpoints already written stay intact. */
class DivergenceTest {
  @TempDir Path dir;

  @Test
  void nonFiniteLossStopsTheRunAndKeepsTheLastGoodCheckpoint() throws IOException {
    Path data = TinyRuns.writeDataset(dir.resolve("data"), 40, 8, 4);
    // lr 1e30 without warm-up: step 1 is finite (computed before the update), the weights it leaves overflow.
    // An evaluation and checkpoint follow every step (eval_interval 0.2 epochs = 1 step of 8 of 40 groups).
    TrmConfig config = TinyRuns.config(data, "epochs: 5 eval_interval: 0.2 optimizer: ADAMW lr: 1e30 "
        + "weight_decay: 0 puzzle_emb_lr: 1e-2 ema_rate: 0.9",
        "puzzle_emb_ndim: 16 halt_max_steps: 4 halt_exploration_prob: 0.1");
    config = config.toBuilder().setTrain(config.getTrain().toBuilder().setLrWarmupSteps(0)).build();
    RunDirectory run = new RunDirectory(dir.resolve("run"));
    Trainer trainer = new Trainer(new Trainer.Options(config, run, null, 0),
        new PrintStream(new ByteArrayOutputStream()));

    TrainingDivergedException e = assertThrows(TrainingDivergedException.class, trainer::run);

    assertThat(e).hasMessageThat().containsMatch("non-finite training values at step \\d+");
    Path last = Checkpoints.latest(run.root());
    assertThat(e).hasMessageThat().contains("Last good checkpoint: " + last);
    Checkpoints.verify(last);
    TrainingState state = Checkpoints.readState(last);
    assertThat(e).hasMessageThat().contains("at step " + (state.step() + 1));
    try (Stream<Path> s = Files.list(run.checkpoints())) {
      assertThat(s.noneMatch(p -> p.getFileName().toString().startsWith("."))).isTrue();
    }
  }
}
