package dev.trm.serving;

import static com.google.common.truth.Truth.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.export.TinyModel;
import dev.trm.serving.RestClient.Response;
import dev.trm.serving.config.ModelConfig;
import dev.trm.training.Sessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;

/** The REST API against TF Serving's formats, statuses and error bodies, on an exported tiny TRM. */
class ServingServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 64 << 10;
  private static final int S = TinyModel.DIMS.seqLen();

  @TempDir static Path dir;
  private static ServingServer server;
  private static RestClient client;
  /** The exported version 1, loaded in-process: what every answer must equal. */
  private static Servable direct;
  private static int[][] puzzles;

  @BeforeAll
  static void start() throws Exception {
    server = ServingServer.start(ServingConfigs.readModelConfigFile(exportWithLabel(dir)), options(null));
    client = new RestClient(server.port());
    direct = Servable.load("trm", 1, dir.resolve("models/trm/1"), Sessions.config(), "serve");
    puzzles = TinyModel.randomInputs(5, TinyModel.DIMS, 4);
  }

  /** Exports version 1 of model 'trm' to dir/models and writes dir/labels.config (label 'stable' = 1), its path. */
  static Path exportWithLabel(Path dir) throws java.io.IOException {
    Path base = dir.resolve("models");
    TinyModel.export(base, "trm", 1, 11);
    return Files.writeString(dir.resolve("labels.config"), "model_config_list { config { name: 'trm' base_path: '"
        + base.resolve("trm") + "' model_platform: 'tensorflow' version_labels { key: 'stable' value: 1 } } }");
  }

  static ServingServer.Options options(dev.trm.serving.config.BatchingParameters batching) {
    return new ServingServer.Options("127.0.0.1", 0, 8, 60_000, MAX_BODY, 1, null, 0, batching,
        Sessions.config(), "serve");
  }

  @AfterAll
  static void stop() {
    server.close();
    direct.retire();
  }

  private static Map<String, HostTensor> expected(String signature, int from, int to) {
    return expected(direct, puzzles, signature, from, to);
  }

  /** The in-process answer of {@code signature} of {@code direct} for puzzles[from, to) with puzzle id 1. */
  static Map<String, HostTensor> expected(Servable direct, int[][] puzzles, String signature, int from, int to) {
    int[] flat = Arrays.stream(puzzles, from, to).flatMapToInt(Arrays::stream).toArray();
    int[] ids = new int[to - from];
    Arrays.fill(ids, 1);
    return direct.run(direct.signature(signature), Map.of(
        "inputs", new HostTensor(DataType.DT_INT32, new long[] {to - from, S}, flat),
        "puzzle_identifiers", new HostTensor(DataType.DT_INT32, new long[] {to - from}, ids)), 0);
  }

  private static ObjectNode rowRequest(int from, int to) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode instances = body.putArray("instances");
    for (int i = from; i < to; i++) {
      ObjectNode inst = instances.addObject();
      ArrayNode row = inst.putArray("inputs");
      Arrays.stream(puzzles[i]).forEach(row::add);
      inst.put("puzzle_identifiers", 1);
    }
    return body;
  }

  private static ObjectNode columnarRequest(int from, int to) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode in = body.putObject("inputs");
    ArrayNode rows = in.putArray("inputs");
    ArrayNode ids = in.putArray("puzzle_identifiers");
    for (int i = from; i < to; i++) {
      ArrayNode row = rows.addArray();
      Arrays.stream(puzzles[i]).forEach(row::add);
      ids.add(1);
    }
    return body;
  }

  private static int[] ints(JsonNode array) {
    List<Integer> out = new ArrayList<>();
    collect(array, n -> out.add(n.intValue()));
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static float[] floats(JsonNode array) {
    List<Float> out = new ArrayList<>();
    collect(array, n -> out.add(n.floatValue()));
    float[] f = new float[out.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = out.get(i);
    }
    return f;
  }

  private static void collect(JsonNode n, java.util.function.Consumer<JsonNode> sink) {
    if (n.isArray()) {
      n.forEach(c -> collect(c, sink));
    } else {
      sink.accept(n);
    }
  }

  @Test
  void statusListsTheVersionAsTfServingDoes() {
    Response r = client.get("/v1/models/trm");
    assertThat(r.status()).isEqualTo(200);
    JsonNode v = r.body().get("model_version_status").get(0);
    assertThat(v.get("version").asText()).isEqualTo("1");
    assertThat(v.get("state").asText()).isEqualTo("AVAILABLE");
    assertThat(v.get("status").get("error_code").asText()).isEqualTo("OK");
    assertThat(client.get("/v1/models/trm/versions/1").status()).isEqualTo(200);
    assertThat(client.get("/v1/models/trm/labels/stable").status()).isEqualTo(200);
  }

  @Test
  void unknownModelsAndVersionsAre404WithTfServingsMessages() {
    Response r = client.get("/v1/models/nope");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.error()).isEqualTo("Could not find any versions of model nope");
    r = client.get("/v1/models/trm/versions/7");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.error()).isEqualTo("Could not find version 7 of model trm");
    r = client.post("/v1/models/nope:predict", rowRequest(0, 1));
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.error()).isEqualTo("Servable not found for request: Latest(nope)");
    r = client.post("/v1/models/trm/versions/2:predict", rowRequest(0, 1));
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.error()).isEqualTo("Servable not found for request: Specific(trm, 2)");
    r = client.post("/v1/models/trm/labels/canary:predict", rowRequest(0, 1));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("Unrecognized servable version label: canary");
  }

  @Test
  void metadataHoldsEverySignature() {
    Response r = client.get("/v1/models/trm/metadata");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().get("model_spec").get("version").asText()).isEqualTo("1");
    JsonNode defs = r.body().get("metadata").get("signature_def").get("signature_def");
    assertThat(defs.has("serving_default")).isTrue();
    assertThat(defs.has("fixed_steps")).isTrue();
    assertThat(defs.has("act_step")).isTrue();
    JsonNode inputs = defs.get("serving_default").get("inputs").get("inputs");
    assertThat(inputs.get("dtype").asText()).isEqualTo("DT_INT32");
    assertThat(inputs.get("tensor_shape").get("dim").get(0).get("size").asText()).isEqualTo("-1");
    assertThat(inputs.get("tensor_shape").get("dim").get(1).get("size").asText()).isEqualTo(String.valueOf(S));
    assertThat(defs.get("serving_default").get("method_name").asText()).isEqualTo("tensorflow/serving/predict");
    assertThat(client.get("/v1/models/trm/versions/1/metadata").status()).isEqualTo(200);
  }

  @Test
  void rowFormatAnswersOneObjectPerInstance() {
    Response r = client.post("/v1/models/trm:predict", rowRequest(0, 3));
    assertThat(r.status()).isEqualTo(200);
    Map<String, HostTensor> want = expected("serving_default", 0, 3);
    JsonNode predictions = r.body().get("predictions");
    assertThat(predictions.size()).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      JsonNode p = predictions.get(i);
      assertThat(p.get("steps").intValue()).isEqualTo(((int[]) want.get("steps").values())[i]);
      assertThat(ints(p.get("predictions"))).isEqualTo(Arrays.copyOfRange((int[]) want.get("predictions").values(),
          i * S, (i + 1) * S));
      assertThat(p.get("q_halt_logits").floatValue()).isEqualTo(((float[]) want.get("q_halt_logits").values())[i]);
    }
    assertThat(floats(predictions.get(2).get("logits"))).isEqualTo(Arrays.copyOfRange(
        (float[]) want.get("logits").values(), 2 * S * 11, 3 * S * 11));
  }

  @Test
  void columnarFormatAnswersOneTensorPerOutput() {
    ObjectNode body = columnarRequest(1, 4);
    body.put("signature_name", "fixed_steps");
    Response r = client.post("/v1/models/trm/versions/1:predict", body);
    assertThat(r.status()).isEqualTo(200);
    Map<String, HostTensor> want = expected("fixed_steps", 1, 4);
    JsonNode outputs = r.body().get("outputs");
    assertThat(ints(outputs.get("predictions"))).isEqualTo((int[]) want.get("predictions").values());
    assertThat(ints(outputs.get("steps"))).isEqualTo(new int[] {4, 4, 4});
    assertThat(floats(outputs.get("logits"))).isEqualTo((float[]) want.get("logits").values());
    assertThat(outputs.get("logits").get(0).get(0).size()).isEqualTo(11);
  }

  @Test
  void versionLabelSelectsItsVersion() {
    Response r = client.post("/v1/models/trm/labels/stable:predict", rowRequest(0, 1));
    assertThat(r.status()).isEqualTo(200);
  }

  @Test
  void actStepStreamsTheCarry() {
    ObjectNode body = JSON.createObjectNode();
    body.put("signature_name", "act_step");
    ObjectNode in = body.putObject("inputs");
    int l = 2 + S;
    ArrayNode state = JSON.createArrayNode();
    ArrayNode slot = state.addArray();
    for (int i = 0; i < l; i++) {
      ArrayNode row = slot.addArray();
      for (int j = 0; j < 8; j++) {
        row.add(0.0);
      }
    }
    in.set("z_H", state);
    in.set("z_L", state.deepCopy());
    in.putArray("steps").add(0);
    in.putArray("halted").add(true);
    ArrayNode zeros = in.putArray("carry_inputs").addArray();
    Arrays.stream(new int[S]).forEach(zeros::add);
    in.putArray("carry_puzzle_identifiers").add(0);
    ArrayNode row = in.putArray("inputs").addArray();
    Arrays.stream(puzzles[0]).forEach(row::add);
    in.putArray("puzzle_identifiers").add(1);
    Response r = client.post("/v1/models/trm:predict", body);
    assertThat(r.status()).isEqualTo(200);
    JsonNode out = r.body().get("outputs");
    assertThat(ints(out.get("steps"))).isEqualTo(new int[] {1});
    assertThat(out.get("halted").get(0).asBoolean()).isFalse();
    assertThat(ints(out.get("carry_inputs"))).isEqualTo(puzzles[0]);
    assertThat(out.get("z_H").get(0).size()).isEqualTo(l);
  }

  @Test
  void everyBadRequestIsA4xxNamingTheProblem() {
    String p = "/v1/models/trm:predict";
    Response r = client.post(p, "{\"instances\": [1, 2");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).startsWith("JSON Parse error");
    r = client.post(p, "");
    assertThat(r.error()).isEqualTo("JSON Parse error: The document is empty");
    r = client.post(p, "[1, 2]");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).endsWith("Is not object");
    r = client.post(p, "{\"foo\": 1}");
    assertThat(r.error()).isEqualTo("Missing 'inputs' or 'instances' key");
    r = client.post(p, "{\"instances\": [], \"inputs\": {}}");
    assertThat(r.error()).contains("expecting only one of 'inputs' or 'instances' keys to exist");
    r = client.post(p, "{\"instances\": []}");
    assertThat(r.error()).contains("No values in 'instances' array");
    r = client.post(p, "{\"instances\": [[1, 2, 3]]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).contains("instances is a plain list, but expecting list of objects");
    r = client.post(p, "{\"signature_name\": 3, \"instances\": [[1]]}");
    assertThat(r.error()).contains("'signature_name' key must be a string value.");

    ObjectNode unknownSig = rowRequest(0, 1);
    unknownSig.put("signature_name", "classify_it");
    r = client.post(p, unknownSig);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("Serving signature name: \"classify_it\" not found in signature def");

    ObjectNode wrongType = rowRequest(0, 1);
    ((ArrayNode) wrongType.get("instances").get(0).get("inputs")).set(0, JSON.getNodeFactory().numberNode(1.5));
    r = client.post(p, wrongType);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).contains("JSON Value: 1.5 Type: Number is not of expected type: int32");

    ObjectNode shortRow = columnarRequest(0, 2);
    ((ArrayNode) shortRow.get("inputs").get("inputs").get(1)).remove(0);
    r = client.post(p, shortRow);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).contains("Encountered list at unexpected size: " + (S - 1));

    ObjectNode wrongWidth = columnarRequest(0, 2);
    ((ArrayNode) wrongWidth.get("inputs").get("inputs").get(0)).add(1);
    ((ArrayNode) wrongWidth.get("inputs").get("inputs").get(1)).add(1);
    r = client.post(p, wrongWidth);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("input 'inputs' has shape [2," + (S + 1) + "], the signature expects [-1," + S
        + "] (-1 = any size)");

    ObjectNode missing = columnarRequest(0, 1);
    ((ObjectNode) missing.get("inputs")).remove("puzzle_identifiers");
    r = client.post(p, missing);
    assertThat(r.error()).isEqualTo("Missing named input: puzzle_identifiers in 'inputs' object.");

    ObjectNode outsideVocab = rowRequest(0, 1);
    ((ArrayNode) outsideVocab.get("instances").get(0).get("inputs")).set(2, JSON.getNodeFactory().numberNode(11));
    r = client.post(p, outsideVocab);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).contains("inputs holds a token outside [0, 11)");

    ObjectNode badId = rowRequest(0, 1);
    ((ObjectNode) badId.get("instances").get(0)).put("puzzle_identifiers", 99);
    r = client.post(p, badId);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).contains("puzzle_identifiers holds a puzzle identifier outside [0, 3)");

    r = client.post(p, "{\"instances\": [" + "1,".repeat(MAX_BODY / 2) + "1]}");
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.error()).contains("exceeds the limit of " + MAX_BODY + " bytes");

    r = client.post("/v1/models/trm:classify", rowRequest(0, 1));
    assertThat(r.status()).isEqualTo(501);
    r = client.get("/v1/nothing/here");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("Malformed request: GET /v1/nothing/here");

    // None of it hurt the server.
    assertThat(client.post(p, rowRequest(0, 1)).status()).isEqualTo(200);
  }

  @Test
  void manyConcurrentClientsWithBatching() throws Exception {
    dev.trm.serving.config.BatchingParameters batching = ServingConfigs.readBatchingParameters(
        dir.resolve("models").resolve("batching_parameters.txt"));
    List<ModelConfig> models = List.of(ServingConfigs.singleModel("trm", dir.resolve("models/trm").toString()));
    try (ServingServer batched = ServingServer.start(models, options(batching))) {
      RestClient c = new RestClient(batched.port());
      ExecutorService pool = Executors.newFixedThreadPool(16);
      try {
        List<Future<Response>> answers = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
          int from = i % 5;
          answers.add(pool.submit(() -> c.post("/v1/models/trm:predict", columnarRequest(from, from + 1))));
        }
        for (int i = 0; i < answers.size(); i++) {
          Response r = answers.get(i).get();
          assertThat(r.status()).isEqualTo(200);
          int from = i % 5;
          assertThat(ints(r.body().get("outputs").get("predictions")))
              .isEqualTo((int[]) expected("serving_default", from, from + 1).get("predictions").values());
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void newVersionsArePickedUpWhileRunningAndABrokenOneNeverTakesTheModelDown() throws Exception {
    Path base = dir.resolve("moving");
    TinyModel.export(base, "m", 1, 21);
    // No load retries: the broken version below is to be reported at once.
    try (ServingServer s = ServingServer.start(List.of(ServingConfigs.singleModel("m", base.resolve("m").toString())),
        options(null), new ServingServer.Robustness(1024, 128, ModelManager.LoadRetries.NONE),
        dev.trm.serving.config.MonitoringConfig.getDefaultInstance())) {
      RestClient c = new RestClient(s.port());
      assertThat(c.post("/v1/models/m:predict", rowRequest(0, 1)).status()).isEqualTo(200);
      TinyModel.export(base, "m", 2, 22);
      long deadline = System.currentTimeMillis() + 60_000;
      JsonNode status;
      do {
        Thread.sleep(200);
        status = c.get("/v1/models/m").body().get("model_version_status");
      } while (!status.get(0).get("state").asText().equals("AVAILABLE") && System.currentTimeMillis() < deadline
          || status.get(0).get("version").asText().equals("1"));
      assertThat(status.get(0).get("version").asText()).isEqualTo("2");
      assertThat(status.get(0).get("state").asText()).isEqualTo("AVAILABLE");
      assertThat(status.get(1).get("state").asText()).isEqualTo("END");
      assertThat(c.post("/v1/models/m/versions/2:predict", rowRequest(0, 1)).status()).isEqualTo(200);
      assertThat(c.post("/v1/models/m/versions/1:predict", rowRequest(0, 1)).status()).isEqualTo(404);

      // A broken version 3 is reported, and version 2 keeps serving.
      Files.createDirectories(base.resolve("m/3/variables"));
      Files.writeString(base.resolve("m/3/saved_model.pb"), "not a SavedModel");
      do {
        Thread.sleep(200);
        status = c.get("/v1/models/m").body().get("model_version_status");
      } while (!status.get(0).get("state").asText().equals("END") && System.currentTimeMillis() < deadline);
      assertThat(status.get(0).get("version").asText()).isEqualTo("3");
      assertThat(status.get(0).get("status").get("error_code").asText()).isEqualTo("UNKNOWN");
      assertThat(status.get(0).get("status").get("error_message").asText()).contains("Failed to load");
      assertThat(status.get(1).get("state").asText()).isEqualTo("AVAILABLE");
      assertThat(c.post("/v1/models/m:predict", rowRequest(0, 1)).status()).isEqualTo(200);
    }
  }
}
