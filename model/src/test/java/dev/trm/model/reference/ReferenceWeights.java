package dev.trm.model.reference;

import dev.trm.model.WeightTensor;
import dev.trm.model.config.PosEncoding;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The weights the reference reads, checked against the official state_dict names and PyTorch [out, in] shapes
 * (derived here, not taken from the graph's {@code ModelTensors}), and widened to double.
 */
public final class ReferenceWeights {
  /** The prefix of a state_dict saved from the compiled, loss-wrapped official model. */
  public static final String OFFICIAL_PREFIX = "_orig_mod.model.inner.";

  /** Buffers and the sparse-trained puzzle table: saved, but not counted in the official {@code num_params}. */
  private static final Set<String> NOT_PARAMETERS = Set.of("H_init", "L_init", "puzzle_emb.weights");

  private final Map<String, WeightTensor> tensors;

  private ReferenceWeights(Map<String, WeightTensor> tensors) {
    this.tensors = tensors;
  }

  /** Every tensor the model has, by official name, in state_dict order. */
  public static Map<String, long[]> expectedShapes(ReferenceDims dims) {
    long d = dims.hidden();
    long v = dims.vocab();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    shapes.put("embed_tokens.embedding_weight", new long[] {v, d});
    shapes.put("lm_head.weight", new long[] {v, d});
    shapes.put("q_head.weight", new long[] {2, d});
    shapes.put("q_head.bias", new long[] {2});
    if (dims.arch().getPuzzleEmbNdim() > 0) {
      shapes.put("puzzle_emb.weights", new long[] {dims.data().numPuzzleIdentifiers(), dims.arch().getPuzzleEmbNdim()});
    }
    if (dims.arch().getPosEncodings() == PosEncoding.LEARNED) {
      shapes.put("embed_pos.embedding_weight", new long[] {dims.totalLen(), d});
    }
    shapes.put("H_init", new long[] {d});
    shapes.put("L_init", new long[] {d});
    for (int i = 0; i < dims.arch().getLLayers(); i++) {
      String layer = "L_level.layers." + i + ".";
      if (dims.arch().getMlpT()) {
        shapes.put(layer + "mlp_t.gate_up_proj.weight", new long[] {2L * dims.tokenInter(), dims.totalLen()});
        shapes.put(layer + "mlp_t.down_proj.weight", new long[] {dims.totalLen(), dims.tokenInter()});
      } else {
        shapes.put(layer + "self_attn.qkv_proj.weight", new long[] {3 * d, d});
        shapes.put(layer + "self_attn.o_proj.weight", new long[] {d, d});
      }
      shapes.put(layer + "mlp.gate_up_proj.weight", new long[] {2L * dims.channelInter(), d});
      shapes.put(layer + "mlp.down_proj.weight", new long[] {d, dims.channelInter()});
    }
    return shapes;
  }

  /** The official {@code num_params}: every trained tensor, without the puzzle table and the init buffers. */
  public static long parameterCount(ReferenceDims dims) {
    long count = 0;
    for (Map.Entry<String, long[]> e : expectedShapes(dims).entrySet()) {
      if (!NOT_PARAMETERS.contains(e.getKey())) {
        count += Arrays.stream(e.getValue()).reduce(1, (a, b) -> a * b);
      }
    }
    return count;
  }

  /**
   * Checks {@code weights} (names with or without {@link #OFFICIAL_PREFIX}) against {@link #expectedShapes}.
   *
   * @throws IllegalArgumentException naming the first missing, unexpected or misshapen tensor
   */
  public static ReferenceWeights of(Map<String, WeightTensor> weights, ReferenceDims dims) {
    Map<String, WeightTensor> byName = new HashMap<>();
    for (Map.Entry<String, WeightTensor> e : weights.entrySet()) {
      String key = e.getKey();
      String name = key.startsWith(OFFICIAL_PREFIX) ? key.substring(OFFICIAL_PREFIX.length()) : key;
      if (byName.put(name, e.getValue()) != null) {
        throw new IllegalArgumentException("weight '" + name + "' given twice (with and without the prefix)");
      }
    }
    Map<String, long[]> expected = expectedShapes(dims);
    for (String name : byName.keySet()) {
      if (!expected.containsKey(name)) {
        throw new IllegalArgumentException("unexpected weight '" + name + "' for this config");
      }
    }
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      WeightTensor t = byName.get(e.getKey());
      if (t == null) {
        throw new IllegalArgumentException("missing weight '" + e.getKey() + "'");
      }
      if (!Arrays.equals(t.shape(), e.getValue())) {
        throw new IllegalArgumentException("weight '" + e.getKey() + "' has shape " + Arrays.toString(t.shape())
            + ", expected " + Arrays.toString(e.getValue()));
      }
    }
    return new ReferenceWeights(byName);
  }

  /** A rank-2 tensor as rows. */
  public double[][] matrix(String name) {
    WeightTensor t = tensors.get(name);
    int rows = (int) t.shape()[0];
    int cols = (int) t.shape()[1];
    double[][] m = new double[rows][cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        m[r][c] = t.data()[r * cols + c];
      }
    }
    return m;
  }

  /** A rank-1 tensor. */
  public double[] vector(String name) {
    float[] data = tensors.get(name).data();
    double[] v = new double[data.length];
    for (int i = 0; i < data.length; i++) {
      v[i] = data[i];
    }
    return v;
  }
}
