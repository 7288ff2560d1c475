package dev.trm.bench;

import static com.google.common.truth.Truth.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchResultTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final BenchResult TRAIN =
      new BenchResult("sudoku-mlp", "FLOAT32", 8, "train", 4.0, 42.7, 200.0, 170.8, 12.5, 3_000_000_000L, null, 0.4,
          0.03, "Test CPU, 2 logical CPUs, AMX-BF16", 2, 1_000_000L);

  @Test
  void jsonIsOneObjectWithTheIssuesKeys() throws Exception {
    String text = TRAIN.toJson();
    assertThat(text).doesNotContain("\n");
    JsonNode json = JSON.readTree(text);
    List<String> keys = new ArrayList<>();
    json.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsAtLeast("examples_per_s", "gflop_per_example", "gflops_per_s", "peak_gflops_per_s",
        "graph_build_s", "peak_rss_bytes", "config", "batch", "mode").inOrder();
    assertThat(json.get("examples_per_s").asDouble()).isEqualTo(4.0);
    assertThat(json.get("gflops_per_s").asDouble()).isWithin(1e-9).of(170.8);
    assertThat(json.get("fraction_of_peak").asDouble()).isWithin(1e-9).of(0.854);
    assertThat(json.get("peak_rss_bytes").asLong()).isEqualTo(3_000_000_000L);
    assertThat(json.get("config").asText()).isEqualTo("sudoku-mlp");
    assertThat(json.get("batch").asInt()).isEqualTo(8);
    assertThat(json.get("mode").asText()).isEqualTo("train");
    assertThat(json.get("forward_dtype").asText()).isEqualTo("FLOAT32");
    assertThat(json.get("matmul_ceiling_gflops_per_s").asDouble()).isEqualTo(170.8);
    assertThat(json.get("fraction_of_ceiling").asDouble()).isWithin(1e-9).of(1.0);
    assertThat(json.get("steal_fraction").asDouble()).isEqualTo(0.03);
    assertThat(json.get("cpu").asText()).contains("AMX-BF16");
    assertThat(json.get("replicas").asInt()).isEqualTo(2);
    assertThat(json.get("exchanged_bytes_per_step").asLong()).isEqualTo(1_000_000L);
    assertThat(json.has("saved_model")).isFalse();
  }

  @Test
  void inferJsonNestsTheSavedModelRun() throws Exception {
    BenchResult infer = new BenchResult("sudoku-mlp", "BFLOAT16", 8, "infer", 0.5, 410.1, 200.0, 1000.0, 20.0, 1L,
        new BenchResult.SavedModelThroughput(0.25, 3.0, 2L << 30), 0.2, 0, "cpu", 1, 0);
    JsonNode saved = JSON.readTree(infer.toJson()).get("saved_model");
    assertThat(saved.get("examples_per_s").asDouble()).isEqualTo(0.25);
    assertThat(saved.get("gflops_per_s").asDouble()).isWithin(1e-9).of(102.525);
    assertThat(saved.get("load_s").asDouble()).isEqualTo(3.0);
    assertThat(saved.get("peak_rss_bytes").asLong()).isEqualTo(2L << 30);
  }

  @Test
  void textShowsThroughputAndFraction() {
    String text = TRAIN.toText();
    assertThat(text).contains("sudoku-mlp (FLOAT32), batch 8, mode train");
    assertThat(text).contains("4.000 examples/s");
    assertThat(text).contains("170.8 GFLOP/s");
    assertThat(text).contains("85.4% of peak");
    assertThat(text).contains("2861.0 MiB");
    assertThat(text).contains("3.0% of CPU time stolen");
    assertThat(text).contains("step runs at 100.0% of it");
  }
}
