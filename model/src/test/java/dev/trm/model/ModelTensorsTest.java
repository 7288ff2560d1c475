package dev.trm.model;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.model.config.ArchConfig;
import dev.trm.model.config.PosEncoding;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parameter names, shapes and the official counts (puzzle table and H/L_init excluded). */
class ModelTensorsTest {
  private static final ModelDims SUDOKU = new ModelDims(11, 81, 1);
  private static final ModelDims MAZE = new ModelDims(6, 900, 1);
  private static final ModelDims ARC = new ModelDims(12, 900, 876_406);

  private static long count(ArchConfig arch, ModelDims dims) {
    return ModelTensors.trainableCount(ModelTensors.specs(arch, dims));
  }

  @Test
  void officialParameterCounts() {
    assertThat(count(TinyConfigs.paper(false, 6).build(), SUDOKU)).isEqualTo(6_828_034L);
    assertThat(count(TinyConfigs.paper(true, 6).build(), SUDOKU)).isEqualTo(5_028_866L);
    assertThat(count(TinyConfigs.paper(true, 4).build(), MAZE)).isEqualTo(18_795_522L);
    assertThat(count(TinyConfigs.paper(true, 4).build(), ARC)).isEqualTo(18_801_666L);
    assertThat(count(TinyConfigs.paper(false, 4).build(), ARC)).isEqualTo(6_829_058L);
    assertThat(count(TinyConfigs.paper(false, 4).build(), MAZE)).isEqualTo(6_822_914L);
    assertThat(count(TinyConfigs.paper(true, 3).setLLayers(4).build(), SUDOKU)).isEqualTo(10_045_442L);
  }

  @Test
  void officialNamesAndPyTorchShapes() {
    List<ParamSpec> specs = ModelTensors.specs(TinyConfigs.paper(true, 6).build(), SUDOKU);
    assertThat(specs.stream().map(ParamSpec::name).toList()).containsExactly(
        "H_init", "L_init", "embed_tokens.embedding_weight", "lm_head.weight", "q_head.weight", "q_head.bias",
        "puzzle_emb.weights",
        "L_level.layers.0.mlp_t.gate_up_proj.weight", "L_level.layers.0.mlp_t.down_proj.weight",
        "L_level.layers.0.mlp.gate_up_proj.weight", "L_level.layers.0.mlp.down_proj.weight",
        "L_level.layers.1.mlp_t.gate_up_proj.weight", "L_level.layers.1.mlp_t.down_proj.weight",
        "L_level.layers.1.mlp.gate_up_proj.weight", "L_level.layers.1.mlp.down_proj.weight").inOrder();
    assertThat(shape(specs, "L_level.layers.0.mlp_t.gate_up_proj.weight")).asList().containsExactly(1024L, 97L);
    assertThat(shape(specs, "L_level.layers.0.mlp_t.down_proj.weight")).asList().containsExactly(97L, 512L);
    assertThat(shape(specs, "L_level.layers.1.mlp.gate_up_proj.weight")).asList().containsExactly(3072L, 512L);
    assertThat(shape(specs, "L_level.layers.1.mlp.down_proj.weight")).asList().containsExactly(512L, 1536L);
    assertThat(shape(specs, "puzzle_emb.weights")).asList().containsExactly(1L, 512L);

    List<ParamSpec> att = ModelTensors.specs(TinyConfigs.paper(false, 6).build(), SUDOKU);
    assertThat(shape(att, "L_level.layers.0.self_attn.qkv_proj.weight")).asList().containsExactly(1536L, 512L);
    assertThat(shape(att, "L_level.layers.0.self_attn.o_proj.weight")).asList().containsExactly(512L, 512L);
  }

  @Test
  void kindsAndInitialisation() {
    List<ParamSpec> specs = ModelTensors.specs(
        TinyConfigs.paper(false, 6).setPosEncodings(PosEncoding.LEARNED).build(), SUDOKU);
    assertThat(spec(specs, "H_init").kind()).isEqualTo(ParamSpec.Kind.BUFFER);
    assertThat(spec(specs, "H_init").init()).isEqualTo(new ParamSpec.TruncNormal(1));
    assertThat(spec(specs, "puzzle_emb.weights").kind()).isEqualTo(ParamSpec.Kind.PUZZLE_TABLE);
    assertThat(spec(specs, "puzzle_emb.weights").init()).isEqualTo(new ParamSpec.Constant(0));
    assertThat(spec(specs, "q_head.weight").init()).isEqualTo(new ParamSpec.Constant(0));
    assertThat(spec(specs, "q_head.bias").init()).isEqualTo(new ParamSpec.Constant(-5));
    assertThat(shape(specs, "embed_pos.embedding_weight")).asList().containsExactly(97L, 512L);
    assertThat(spec(specs, "embed_tokens.embedding_weight").init())
        .isEqualTo(new ParamSpec.TruncNormal(1 / Math.sqrt(512)));
    assertThat(spec(specs, "L_level.layers.0.mlp.down_proj.weight").init())
        .isEqualTo(new ParamSpec.TruncNormal(1 / Math.sqrt(1536)));
  }

  @Test
  void prefixLengthFollowsTheOfficialCode() {
    // puzzle_emb_len 0 -> ceil(ndim / D); no puzzle embedding -> no prefix and no table.
    assertThat(TrmShape.of(TinyConfigs.paper(false, 6).setPuzzleEmbLen(0).build(), SUDOKU).puzzleEmbLen())
        .isEqualTo(1);
    assertThat(TrmShape.of(TinyConfigs.paper(false, 6).setPuzzleEmbLen(0).setPuzzleEmbNdim(1000).build(), SUDOKU)
        .puzzleEmbLen()).isEqualTo(2);
    ArchConfig none = TinyConfigs.paper(false, 6).setPuzzleEmbNdim(0).build();
    assertThat(TrmShape.of(none, SUDOKU).totalLen()).isEqualTo(81);
    assertThat(ModelTensors.specs(none, SUDOKU).stream().map(ParamSpec::name)).doesNotContain("puzzle_emb.weights");
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> TrmShape.of(TinyConfigs.paper(false, 6).setPuzzleEmbLen(1).setPuzzleEmbNdim(600).build(), SUDOKU)))
        .hasMessageThat().contains("arch.puzzle_emb_ndim 600");
  }

  @Test
  void swigluWidthRule() {
    assertThat(TrmShape.swigluInter(512, 4)).isEqualTo(1536);
    assertThat(TrmShape.swigluInter(97, 4)).isEqualTo(512); // round(258.67) = 259 -> 512
    assertThat(TrmShape.swigluInter(916, 4)).isEqualTo(2560);
    assertThat(TrmShape.swigluInter(96, 4)).isEqualTo(256); // exactly 256
    assertThat(TrmShape.swigluInter(3, 0.75f)).isEqualTo(256); // round(1.5) = 2 (half to even), not 0
  }

  @Test
  void canonicalStripsOnlyTheOfficialPrefix() {
    assertThat(ModelTensors.canonical("_orig_mod.model.inner.lm_head.weight")).isEqualTo("lm_head.weight");
    assertThat(ModelTensors.canonical("lm_head.weight")).isEqualTo("lm_head.weight");
    assertThat(ModelTensors.canonical("model.inner.lm_head.weight")).isEqualTo("model.inner.lm_head.weight");
  }

  private static ParamSpec spec(List<ParamSpec> specs, String name) {
    return specs.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  private static long[] shape(List<ParamSpec> specs, String name) {
    return spec(specs, name).shape();
  }
}
