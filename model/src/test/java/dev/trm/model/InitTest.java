package dev.trm.model;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.model.config.ArchConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/** Initialisation: JAX-style truncated normal with the exact std, constants, determinism. */
class InitTest {
  private static final ModelDims SUDOKU = new ModelDims(11, 81, 1);
  /** Clip bound in units of std: 2 / 0.879626. */
  private static final double BOUND = 2 / 0.8796256610342398;

  private static Map<String, WeightTensor> initialValues(ArchConfig arch, long seed) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      TrmParams p = TrmParams.createVariables(Ops.create(g), arch, SUDOKU, seed);
      s.initialize();
      return ParamValues.fetch(s, p);
    }
  }

  @Test
  void truncatedStdConstant() {
    assertThat(TrmParams.TRUNCATED_STD).isWithin(1e-12).of(0.8796256610342398);
  }

  @Test
  void linearsAndEmbeddingsHaveTheTargetStdAndTheJaxClip() {
    Map<String, WeightTensor> w = initialValues(TinyConfigs.paper(true, 6).build(), 0);
    // 786k values: the sample std is within 0.3% of the target (TF's own truncation would give 0.88x).
    checkTruncatedNormal(w.get("L_level.layers.0.mlp.gate_up_proj.weight"), 1 / Math.sqrt(512), 0.005, true);
    checkTruncatedNormal(w.get("L_level.layers.1.mlp.down_proj.weight"), 1 / Math.sqrt(1536), 0.005, true);
    checkTruncatedNormal(w.get("L_level.layers.0.mlp_t.gate_up_proj.weight"), 1 / Math.sqrt(97), 0.01, true);
    checkTruncatedNormal(w.get("L_level.layers.0.mlp_t.down_proj.weight"), 1 / Math.sqrt(512), 0.02, false);
    checkTruncatedNormal(w.get("embed_tokens.embedding_weight"), 1 / Math.sqrt(512), 0.04, false);
    checkTruncatedNormal(w.get("lm_head.weight"), 1 / Math.sqrt(512), 0.04, false);
    checkTruncatedNormal(w.get("H_init"), 1, 0.1, false);
    checkTruncatedNormal(w.get("L_init"), 1, 0.1, false);
    assertThat(w.get("H_init").data()).isNotEqualTo(w.get("L_init").data());
  }

  @Test
  void constantsAndDeterminism() {
    ArchConfig arch = TinyConfigs.tiny(false).build();
    Map<String, WeightTensor> a = initialValues(arch, 3);
    assertThat(a.get("q_head.weight").data()).usingExactEquality().containsExactly(new float[2 * 8]);
    assertThat(a.get("q_head.bias").data()).usingExactEquality().containsExactly(-5f, -5f);
    assertThat(a.get("puzzle_emb.weights").data()).usingExactEquality().containsExactly(new float[8]); // Sudoku: one puzzle id
    assertThat(initialValues(arch, 3)).isEqualTo(a);
    Map<String, WeightTensor> b = initialValues(arch, 4);
    assertThat(b.get("H_init")).isNotEqualTo(a.get("H_init"));
    assertThat(b.get("lm_head.weight")).isNotEqualTo(a.get("lm_head.weight"));
  }

  private static void checkTruncatedNormal(WeightTensor w, double std, double relTol, boolean bigSample) {
    double sum = 0, sumSq = 0, maxAbs = 0;
    for (float v : w.data()) {
      sum += v;
      sumSq += (double) v * v;
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    int n = w.size();
    double mean = sum / n;
    double sampleStd = Math.sqrt(sumSq / n - mean * mean);
    assertThat(sampleStd).isWithin(relTol * std).of(std);
    assertThat(Math.abs(mean)).isLessThan(4 * std / Math.sqrt(n));
    assertThat(maxAbs).isAtMost(BOUND * std * (1 + 1e-6));
    if (bigSample) {
      // Values come close to the clip: a plain normal of this size would exceed it, a narrower clip would not reach.
      assertThat(maxAbs).isGreaterThan(0.99 * BOUND * std);
    }
  }
}
