package dev.trm.model.reference;

import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.model.ModelDims;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.ArchConfig;
import dev.trm.model.config.DType;
import dev.trm.model.config.LossType;
import dev.trm.model.config.PosEncoding;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reads the golden files written by {@code reference/trm_numpy.py} (test resources). */
final class GoldenFiles {
  private GoldenFiles() {}

  /** {@code /reference/golden_<name>.json}. */
  static JsonNode load(String name) throws IOException {
    try (InputStream in = GoldenFiles.class.getResourceAsStream("/reference/golden_" + name + ".json")) {
      assertWithMessage("golden file for %s", name).that(in).isNotNull();
      return new ObjectMapper().readTree(in);
    }
  }

  /** The file's {@code config} as an fp32 ArchConfig. */
  static ArchConfig arch(JsonNode doc) {
    JsonNode c = doc.get("config");
    return ArchConfig.newBuilder()
        .setHiddenSize(c.get("hidden_size").asInt())
        .setNumHeads(c.get("num_heads").asInt())
        .setExpansion((float) c.get("expansion").asDouble())
        .setLLayers(c.get("l_layers").asInt())
        .setHCycles(c.get("h_cycles").asInt())
        .setLCycles(c.get("l_cycles").asInt())
        .setPosEncodings(PosEncoding.valueOf(c.get("pos_encodings").asText().toUpperCase(Locale.ROOT)))
        .setRopeTheta((float) c.get("rope_theta").asDouble())
        .setRmsNormEps((float) c.get("rms_norm_eps").asDouble())
        .setPuzzleEmbNdim(c.get("puzzle_emb_ndim").asInt())
        .setPuzzleEmbLen(c.get("puzzle_emb_len").asInt())
        .setMlpT(c.get("mlp_t").asBoolean())
        .setForwardDtype(DType.FLOAT32)
        .setHaltMaxSteps(c.get("halt_max_steps").asInt())
        .setHaltExplorationProb((float) c.get("halt_exploration_prob").asDouble())
        .setNoActContinue(true)
        .setLossType(c.get("loss_type").asText().equals("softmax")
            ? LossType.SOFTMAX_CROSS_ENTROPY : LossType.STABLEMAX_CROSS_ENTROPY)
        .build();
  }

  static ModelDims dims(JsonNode doc) {
    JsonNode c = doc.get("config");
    return new ModelDims(c.get("vocab_size").asInt(), c.get("seq_len").asInt(),
        c.get("num_puzzle_identifiers").asInt());
  }

  /** The weights by official name (float32 values, exact). */
  static Map<String, WeightTensor> weights(JsonNode doc) {
    Map<String, WeightTensor> w = new LinkedHashMap<>();
    doc.get("weights").fields().forEachRemaining(e -> {
      JsonNode shape = e.getValue().get("shape");
      long[] dims = new long[shape.size()];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = shape.get(i).asLong();
      }
      JsonNode data = e.getValue().get("data");
      float[] values = new float[data.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) data.get(i).asDouble();
      }
      w.put(e.getKey(), new WeightTensor(dims, values));
    });
    return w;
  }

  static int[] ints(JsonNode n) {
    int[] v = new int[n.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = n.get(i).asInt();
    }
    return v;
  }

  static int[][] ints2(JsonNode n) {
    int[][] v = new int[n.size()][];
    for (int i = 0; i < v.length; i++) {
      v[i] = ints(n.get(i));
    }
    return v;
  }

  static double[] doubles(JsonNode n) {
    double[] v = new double[n.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = n.get(i).asDouble();
    }
    return v;
  }

  static double[][] doubles2(JsonNode n) {
    double[][] v = new double[n.size()][];
    for (int i = 0; i < v.length; i++) {
      v[i] = doubles(n.get(i));
    }
    return v;
  }

  static double[][][] doubles3(JsonNode n) {
    double[][][] v = new double[n.size()][][];
    for (int i = 0; i < v.length; i++) {
      v[i] = doubles2(n.get(i));
    }
    return v;
  }
}
