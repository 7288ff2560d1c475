package dev.trm.bench;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.model.ModelDims;
import dev.trm.model.TrmShape;
import dev.trm.model.config.ConfigLoader;
import dev.trm.model.config.PosEncoding;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FlopCounterTest {
  private static final Path CONFIGS = Path.of(System.getProperty("trm.repo", "..")).resolve("configs");
  private static final ModelDims SUDOKU = new ModelDims(11, 81, 1);

  /** D 4, 2 heads, P 1 + S 3 = L 4, vocab 5, channel inter 8, token inter 6, 2 layers, T 2, n 1. */
  private static TrmShape tiny(boolean mlpT) {
    return new TrmShape(4, 2, 2, 4, 1, 3, 4, 5, 1, 8, mlpT ? 6 : 0, 2, 2, 1, mlpT,
        mlpT ? PosEncoding.NONE : PosEncoding.ROPE, 10000f, 1e-5f, 16);
  }

  @Test
  void attentionByHand() {
    FlopCounter flops = FlopCounter.of(tiny(false));
    // qkv 2*4*4*12 = 384, scores 2*4*4*4 = 128, values 128, o_proj 2*4*4*4 = 128.
    assertThat(flops.tokenMixingPerLayer()).isEqualTo(768.0);
    // gate_up 2*4*4*16 = 512, down 2*4*8*4 = 256.
    assertThat(flops.channelMlpPerLayer()).isEqualTo(768.0);
    assertThat(flops.netApplication()).isEqualTo(2 * 1536.0);
    // lm_head 2*3*4*5 = 120, q_head 2*1*4*2 = 16.
    assertThat(flops.heads()).isEqualTo(136.0);
    // T(n+1) = 4 applications.
    assertThat(flops.actStepForward()).isEqualTo(4 * 3072.0 + 136);
    // Backward of the n+1 = 2 last applications and the heads, twice their forward.
    assertThat(flops.trainStep()).isEqualTo(12424.0 + 2 * (2 * 3072 + 136));
    assertThat(flops.inference(16)).isEqualTo(16 * 12424.0);
  }

  @Test
  void mlpMixerByHand() {
    FlopCounter flops = FlopCounter.of(tiny(true));
    // Per channel (D = 4): gate_up L 4 -> 2I 12 is 2*4*4*12 = 384, down I 6 -> L 4 is 2*4*6*4 = 192.
    assertThat(flops.tokenMixingPerLayer()).isEqualTo(576.0);
    assertThat(flops.netApplication()).isEqualTo(2 * (576.0 + 768));
    assertThat(flops.trainStep()).isEqualTo(4 * 2688.0 + 136 + 2 * (2 * 2688 + 136));
  }

  @Test
  void sudokuMlpTrainStepIsTheIssuesFigure() {
    FlopCounter flops = counter("sudoku-mlp.pbtxt");
    assertThat(flops.netApplication()).isEqualTo(1_220_542_464.0);
    // Issue #6: "about 42.7 GFLOP per example" (21 forward applications, 7 backward).
    assertThat(flops.trainStep() / 1e9).isWithin(0.01).of(42.72);
  }

  @Test
  void sudokuAttention() {
    FlopCounter flops = counter("sudoku-att.pbtxt");
    // Per layer: qkv 152.6 M + scores and values 2 x 9.6 M + o_proj 50.9 M + SwiGLU 457.7 M.
    assertThat(flops.netApplication()).isEqualTo(2 * 680_396_800.0);
    assertThat(flops.trainStep() / 1e9).isWithin(0.01).of(47.63);
    assertThat(flops.inference(16) / 1e9).isWithin(0.1).of(457.2);
  }

  private static FlopCounter counter(String config) {
    return FlopCounter.of(TrmShape.of(ConfigLoader.load(CONFIGS.resolve(config)).getArch(), SUDOKU));
  }
}
