package dev.trm.training;

import dev.trm.datasets.DatasetMetadata;
import dev.trm.datasets.DatasetWriter;
import dev.trm.datasets.Identifiers;
import dev.trm.model.config.ConfigLoader;
import dev.trm.model.config.TrmConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Tiny datasets and configs for training tests: a token-mapping task a tiny model learns in tens of steps
 * (label = 1 + 2·token mod 5) with one puzzle id per train group, so the sparse SignSGD has rows to train, and a model
 * of a few thousand parameters.
 */
final class TinyRuns {
  static final int SEQ_LEN = 8;
  static final int VOCAB = 6;

  private TinyRuns() {}

  /** Writes train/ and test/ splits of {@code groups} / {@code testExamples} examples under {@code dir}. */
  static Path writeDataset(Path dir, int groups, int testExamples, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<String> ids = new ArrayList<>(List.of(Identifiers.BLANK));
    for (int g = 0; g < groups; g++) {
      ids.add("puzzle" + g);
    }
    writeSplit(dir, "train", groups, 1, rng);
    writeSplit(dir, "test", testExamples, 1, rng);
    Identifiers.write(dir, ids);
    return dir;
  }

  private static void writeSplit(Path dir, String split, int groups, int firstId, SplittableRandom rng) {
    try (DatasetWriter w = DatasetWriter.create(dir, split, SEQ_LEN)) {
      for (int g = 0; g < groups; g++) {
        w.beginGroup();
        w.beginPuzzle(split.equals("train") ? firstId + g : 0);
        int[] in = new int[SEQ_LEN];
        int[] out = new int[SEQ_LEN];
        for (int i = 0; i < SEQ_LEN; i++) {
          in[i] = 1 + rng.nextInt(VOCAB - 1);
        }
        for (int i = 0; i < SEQ_LEN; i++) {
          out[i] = 1 + (in[i] * 2) % (VOCAB - 1);
        }
        w.addExample(in, out);
      }
      w.finish(DatasetMetadata.template(VOCAB, SEQ_LEN, groups + 1));
    }
  }

  /**
   * A tiny config on {@code data}. The train and arch blocks here leave some keys out; the caller supplies exactly
   * those (text format refuses a key given twice).
   */
  static TrmConfig config(Path data, String trainOverrides, String archOverrides) {
    String text = """
        name: "tiny"
        data { path: "%s" }
        arch {
          hidden_size: 16 num_heads: 2 expansion: 2 l_layers: 1 h_cycles: 2 l_cycles: 1
          pos_encodings: ROPE rope_theta: 10000 rms_norm_eps: 1e-5
          puzzle_emb_len: 1 mlp_t: false forward_dtype: FLOAT32
          no_act_continue: true loss_type: STABLEMAX_CROSS_ENTROPY
          %s
        }
        train {
          global_batch_size: 8 lr_min_ratio: 1.0 lr_warmup_steps: 2
          beta1: 0.9 beta2: 0.95 adam_epsilon: 1e-8 grad_clip_norm: 0
          puzzle_emb_weight_decay: 0.1
          ema_warmup: true loop: STREAMING seed: 3 checkpoints_keep: 2 max_train_seconds: 0
          %s
        }
        eval { batch_size: 8 max_examples: 0 aggregated_voting: false }
        """.formatted(data, archOverrides, trainOverrides);
    return ConfigLoader.parse("tiny", text);
  }

  /** The default tiny config: 40 train groups, 4 ACT steps, AdamW, EMA 0.9. */
  static TrmConfig config(Path data) {
    return config(data, "epochs: 20 eval_interval: 10 optimizer: ADAMW lr: 3e-3 weight_decay: 0.01 "
        + "puzzle_emb_lr: 1e-2 ema_rate: 0.9",
        "puzzle_emb_ndim: 16 halt_max_steps: 4 halt_exploration_prob: 0.1");
  }
}
