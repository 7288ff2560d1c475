package dev.trm.model;

import dev.trm.model.ParamSpec.Constant;
import dev.trm.model.ParamSpec.Kind;
import dev.trm.model.ParamSpec.TruncNormal;
import dev.trm.model.config.ArchConfig;
import dev.trm.model.config.PosEncoding;
import java.util.ArrayList;
import java.util.List;

/**
 * The model's tensors under the official {@code state_dict} names, in the official order, with their
 * shapes, kinds and initialisation.
 */
public final class ModelTensors {
  /** The prefix torch.compile and the loss head put in front of every key of an official checkpoint. */
  public static final String OFFICIAL_PREFIX = "_orig_mod.model.inner.";

  public static final String H_INIT = "H_init";
  public static final String L_INIT = "L_init";
  public static final String EMBED_TOKENS = "embed_tokens.embedding_weight";
  public static final String LM_HEAD = "lm_head.weight";
  public static final String Q_HEAD_WEIGHT = "q_head.weight";
  public static final String Q_HEAD_BIAS = "q_head.bias";
  public static final String PUZZLE_EMB = "puzzle_emb.weights";
  public static final String EMBED_POS = "embed_pos.embedding_weight";

  private ModelTensors() {}

  /** {@code L_level.layers.<layer>.<suffix>}, e.g. {@code layer(0, "mlp.down_proj.weight")}. */
  public static String layer(int layer, String suffix) {
    return "L_level.layers." + layer + "." + suffix;
  }

  /** The key without the official prefix (keys without it are returned unchanged). */
  public static String canonical(String key) {
    return key.startsWith(OFFICIAL_PREFIX) ? key.substring(OFFICIAL_PREFIX.length()) : key;
  }

  /** Every tensor of the model described by {@code arch} and {@code dims}, in official state_dict order. */
  public static List<ParamSpec> specs(ArchConfig arch, ModelDims dims) {
    return specs(TrmShape.of(arch, dims));
  }

  /** Every tensor of a model of this shape, in official state_dict order. */
  public static List<ParamSpec> specs(TrmShape s) {
    long d = s.hidden();
    double embedStd = 1 / Math.sqrt(d);
    List<ParamSpec> out = new ArrayList<>();
    out.add(new ParamSpec(H_INIT, new long[] {d}, Kind.BUFFER, new TruncNormal(1)));
    out.add(new ParamSpec(L_INIT, new long[] {d}, Kind.BUFFER, new TruncNormal(1)));
    out.add(new ParamSpec(EMBED_TOKENS, new long[] {s.vocab(), d}, Kind.TRAINABLE, new TruncNormal(embedStd)));
    out.add(linear(LM_HEAD, s.vocab(), d));
    out.add(new ParamSpec(Q_HEAD_WEIGHT, new long[] {2, d}, Kind.TRAINABLE, new Constant(0)));
    out.add(new ParamSpec(Q_HEAD_BIAS, new long[] {2}, Kind.TRAINABLE, new Constant(-5)));
    if (s.hasPuzzleEmbedding()) {
      out.add(new ParamSpec(PUZZLE_EMB, new long[] {s.numPuzzleIds(), s.puzzleEmbNdim()}, Kind.PUZZLE_TABLE,
          new Constant(0)));
    }
    if (s.pos() == PosEncoding.LEARNED) {
      out.add(new ParamSpec(EMBED_POS, new long[] {s.totalLen(), d}, Kind.TRAINABLE, new TruncNormal(embedStd)));
    }
    for (int i = 0; i < s.layers(); i++) {
      if (s.mlpT()) {
        out.add(linear(layer(i, "mlp_t.gate_up_proj.weight"), 2L * s.tokenInter(), s.totalLen()));
        out.add(linear(layer(i, "mlp_t.down_proj.weight"), s.totalLen(), s.tokenInter()));
      } else {
        out.add(linear(layer(i, "self_attn.qkv_proj.weight"), 3 * d, d));
        out.add(linear(layer(i, "self_attn.o_proj.weight"), d, d));
      }
      out.add(linear(layer(i, "mlp.gate_up_proj.weight"), 2L * s.channelInter(), d));
      out.add(linear(layer(i, "mlp.down_proj.weight"), d, s.channelInter()));
    }
    return List.copyOf(out);
  }

  /** The official {@code num_params}: elements of the trainable tensors (puzzle table and H/L_init excluded). */
  public static long trainableCount(List<ParamSpec> specs) {
    return specs.stream().filter(p -> p.kind() == Kind.TRAINABLE).mapToLong(ParamSpec::numElements).sum();
  }

  /** A bias-free linear [out, in] with LeCun init (std 1/sqrt(fan_in)). */
  private static ParamSpec linear(String name, long out, long in) {
    return new ParamSpec(name, new long[] {out, in}, Kind.TRAINABLE, new TruncNormal(1 / Math.sqrt(in)));
  }
}
