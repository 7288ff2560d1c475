package dev.trm.model.reference;

import static com.google.common.truth.Truth.assertWithMessage;

import dev.trm.model.Safetensors;
import dev.trm.model.ModelTensors;
import dev.trm.model.WeightTensor;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The model's {@link Safetensors} reader on files written by the independent numpy script: official key prefix, F32,
 * and (in the mixed file) BF16 init buffers as official checkpoints store them, and an F64 tensor.
 */
class SafetensorsMatchesNumpyTest {
  @ParameterizedTest
  @CsvSource({"att_rope, golden_att_rope", "att_learned, golden_att_learned", "mlp_none, golden_mlp_none",
      "att_rope, golden_att_rope_mixed_dtypes"})
  void readerGivesTheGoldenWeights(String golden, String file) throws Exception {
    Map<String, WeightTensor> want = GoldenFiles.weights(GoldenFiles.load(golden));
    Map<String, WeightTensor> got = new LinkedHashMap<>();
    Safetensors.read(resource(file + ".safetensors")).forEach((k, v) -> got.put(ModelTensors.canonical(k), v));
    assertWithMessage("%s names", file).that(got.keySet()).containsExactlyElementsIn(want.keySet());
    for (Map.Entry<String, WeightTensor> e : want.entrySet()) {
      assertWithMessage("%s %s", file, e.getKey()).that(got.get(e.getKey())).isEqualTo(e.getValue());
    }
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(SafetensorsMatchesNumpyTest.class.getResource("/reference/" + name).toURI());
  }
}
