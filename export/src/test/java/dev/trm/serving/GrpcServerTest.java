package dev.trm.serving;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import dev.trm.export.TinyModel;
import dev.trm.serving.api.ClassificationRequest;
import dev.trm.serving.api.GetModelMetadataRequest;
import dev.trm.serving.api.GetModelMetadataResponse;
import dev.trm.serving.api.GetModelStatusRequest;
import dev.trm.serving.api.GetModelStatusResponse;
import dev.trm.serving.api.ModelServiceGrpc;
import dev.trm.serving.api.ModelSpec;
import dev.trm.serving.api.ModelVersionStatus;
import dev.trm.serving.api.PredictRequest;
import dev.trm.serving.api.PredictResponse;
import dev.trm.serving.api.PredictionServiceGrpc;
import dev.trm.serving.api.ReloadConfigRequest;
import dev.trm.serving.api.SignatureDefMap;
import dev.trm.serving.config.ModelConfigList;
import dev.trm.serving.config.ModelServerConfig;
import dev.trm.training.Sessions;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * TF Serving's gRPC API on an exported tiny TRM: answers equal the in-process run, TF Serving's codes, warm-up, and a
 * Python client built from the API definitions.
 */
class GrpcServerTest {
  private static final int S = TinyModel.DIMS.seqLen();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger MANAGER_LOG = Logger.getLogger(ModelManager.class.getName());

  @TempDir static Path dir;
  private static final List<String> log = new ArrayList<>();
  private static final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      synchronized (log) {
        log.add(r.getMessage());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private static ServingServer server;
  private static GrpcServer grpc;
  private static ManagedChannel channel;
  private static PredictionServiceGrpc.PredictionServiceBlockingStub predictions;
  private static ModelServiceGrpc.ModelServiceBlockingStub models;
  private static Servable direct;
  private static int[][] puzzles;

  /** Each test gets its own two minutes: a stub's deadline is fixed when the stub is made. */
  @BeforeEach
  void freshDeadlines() {
    predictions = PredictionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
    models = ModelServiceGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
  }

  @BeforeAll
  static void start() throws Exception {
    MANAGER_LOG.addHandler(capture);
    // No load retries: the broken warm-up file below is to be reported at once.
    server = ServingServer.start(ServingConfigs.readModelConfigFile(ServingServerTest.exportWithLabel(dir)),
        ServingServerTest.options(null), new ServingServer.Robustness(1024, 128, ModelManager.LoadRetries.NONE),
        dev.trm.serving.config.MonitoringConfig.getDefaultInstance());
    grpc = GrpcServer.start(server.predictor(), "127.0.0.1", 0, 4, 1 << 20);
    channel = Grpc.newChannelBuilderForAddress("127.0.0.1", grpc.port(), InsecureChannelCredentials.create()).build();
    direct = Servable.load("trm", 1, dir.resolve("models/trm/1"), Sessions.config(), "serve");
    puzzles = TinyModel.randomInputs(4, TinyModel.DIMS, 5);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    MANAGER_LOG.removeHandler(capture);
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    grpc.close();
    server.close();
    direct.retire();
  }

  /** An int32 tensor of {@code shape}, no values yet. */
  static TensorProto.Builder int32(long... shape) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    Arrays.stream(shape).forEach(d -> s.addDim(TensorShapeProto.Dim.newBuilder().setSize(d)));
    return TensorProto.newBuilder().setDtype(DataType.DT_INT32).setTensorShape(s);
  }

  /** Puzzles [from, to) with puzzle id 1, values in int_val. */
  private static PredictRequest.Builder request(ModelSpec.Builder spec, int from, int to) {
    TensorProto.Builder inputs = int32(to - from, S);
    Arrays.stream(puzzles, from, to).flatMapToInt(Arrays::stream).forEach(inputs::addIntVal);
    TensorProto.Builder ids = int32(to - from);
    for (int i = from; i < to; i++) {
      ids.addIntVal(1);
    }
    return PredictRequest.newBuilder().setModelSpec(spec).putInputs("inputs", inputs.build())
        .putInputs("puzzle_identifiers", ids.build());
  }

  private static Map<String, HostTensor> expected(String signature, int from, int to) {
    return ServingServerTest.expected(direct, puzzles, signature, from, to);
  }

  private static int[] ints(TensorProto t) {
    return t.getIntValList().stream().mapToInt(Integer::intValue).toArray();
  }

  private static float[] floats(TensorProto t) {
    float[] f = new float[t.getFloatValCount()];
    for (int i = 0; i < f.length; i++) {
      f[i] = t.getFloatVal(i);
    }
    return f;
  }

  @Test
  void predictAnswersTheInProcessRun() {
    PredictResponse r = predictions.predict(request(ModelSpec.newBuilder().setName("trm"), 0, 3).build());
    Map<String, HostTensor> want = expected("serving_default", 0, 3);
    assertThat(r.getModelSpec().getName()).isEqualTo("trm");
    assertThat(r.getModelSpec().getVersion().getValue()).isEqualTo(1);
    assertThat(r.getModelSpec().getSignatureName()).isEqualTo("serving_default");
    assertThat(r.getOutputsMap().keySet()).containsExactly("predictions", "logits", "q_halt_logits", "steps");
    TensorProto p = r.getOutputsOrThrow("predictions");
    assertThat(p.getDtype()).isEqualTo(DataType.DT_INT32);
    assertThat(p.getTensorShape().getDimList().stream().map(TensorShapeProto.Dim::getSize).toList())
        .containsExactly(3L, (long) S).inOrder();
    assertThat(ints(p)).isEqualTo((int[]) want.get("predictions").values());
    assertThat(ints(r.getOutputsOrThrow("steps"))).isEqualTo((int[]) want.get("steps").values());
    assertThat(floats(r.getOutputsOrThrow("logits"))).isEqualTo((float[]) want.get("logits").values());
  }

  @Test
  void aMessageThatDoesNotParseIsInvalidArgument() {
    // Tag 0xff: field 31 with wire type 7, which protobuf does not have.
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
        channel, GrpcTransport.RAW_PREDICT, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS),
        new byte[] {(byte) 0xff, 1, 2}));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription())
        .isEqualTo("the request to tensorflow.serving.PredictionService/Predict is not a valid protobuf message");
    assertThat(predictions.predict(request(ModelSpec.newBuilder().setName("trm"), 0, 1).build())
        .getOutputsMap()).containsKey("predictions");
  }

  @Test
  void grpcCallsAreCountedInTheServersMetrics() throws IOException {
    predictions.predict(request(ModelSpec.newBuilder().setName("trm"), 0, 1).build());
    assertThrows(StatusRuntimeException.class,
        () -> predictions.predict(request(ModelSpec.newBuilder().setName("no-such-model"), 0, 1).build()));
    java.io.StringWriter text = new java.io.StringWriter();
    server.metrics().write(text, Map.of());
    assertThat(text.toString()).contains(":tensorflow:serving:request_count{model_name=\"no-such-model\","
        + "status=\"NOT_FOUND\"} 1");
    assertThat(text.toString()).containsMatch(
        ":tensorflow:serving:request_latency_count\\{model_name=\"trm\",API=\"Predict\",entrypoint=\"GRPC\"} [1-9]");
  }

  @Test
  void tensorContentLabelsSignatureAndOutputFilter() {
    PredictRequest.Builder req = request(ModelSpec.newBuilder().setName("trm").setVersionLabel("stable")
        .setSignatureName("fixed_steps"), 1, 3);
    ByteBuffer raw = ByteBuffer.allocate(2 * S * 4).order(ByteOrder.LITTLE_ENDIAN);
    Arrays.stream(puzzles, 1, 3).flatMapToInt(Arrays::stream).forEach(raw::putInt);
    req.putInputs("inputs", int32(2, S).setTensorContent(ByteString.copyFrom(raw.array())).build());
    req.addOutputFilter("predictions").addOutputFilter("steps");
    PredictResponse r = predictions.predict(req.build());
    Map<String, HostTensor> want = expected("fixed_steps", 1, 3);
    assertThat(r.getOutputsMap().keySet()).containsExactly("predictions", "steps");
    assertThat(ints(r.getOutputsOrThrow("predictions"))).isEqualTo((int[]) want.get("predictions").values());
    assertThat(r.getModelSpec().getSignatureName()).isEqualTo("fixed_steps");
    PredictResponse byVersion = predictions.predict(request(ModelSpec.newBuilder().setName("trm")
        .setVersion(Int64Value.of(1)), 1, 3).build());
    assertThat(byVersion.getModelSpec().getVersion().getValue()).isEqualTo(1);
  }

  private static Status failure(Runnable call) {
    return assertThrows(StatusRuntimeException.class, call::run).getStatus();
  }

  @Test
  void failuresCarryTfServingsCodes() {
    Status s = failure(() -> predictions.predict(request(ModelSpec.newBuilder().setName("nope"), 0, 1).build()));
    assertThat(s.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(s.getDescription()).isEqualTo("Servable not found for request: Latest(nope)");
    s = failure(() -> predictions.predict(request(ModelSpec.newBuilder().setName("trm")
        .setVersion(Int64Value.of(7)), 0, 1).build()));
    assertThat(s.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(s.getDescription()).isEqualTo("Servable not found for request: Specific(trm, 7)");
    s = failure(() -> predictions.predict(request(ModelSpec.newBuilder().setName("trm"), 0, 1)
        .putInputs("inputs", int32(1, S + 1).build()).build()));
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).contains("input 'inputs' has shape [1," + (S + 1) + "]");
    s = failure(() -> predictions.predict(request(ModelSpec.newBuilder().setName("trm"), 0, 1)
        .addOutputFilter("nope").build()));
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).startsWith("output tensor alias not found in signature: nope");
    s = failure(() -> predictions.predict(request(ModelSpec.newBuilder().setName("trm"), 0, 1)
        .putInputs("inputs", int32(1, S).addAllIntVal(java.util.Collections.nCopies(S + 1, 0)).build()).build()));
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    s = failure(() -> predictions.classify(ClassificationRequest.newBuilder()
        .setModelSpec(ModelSpec.newBuilder().setName("trm")).build()));
    assertThat(s.getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(s.getDescription()).contains("use Predict");
  }

  @Test
  void metadataAndStatus() throws Exception {
    GetModelMetadataResponse m = predictions.getModelMetadata(GetModelMetadataRequest.newBuilder()
        .setModelSpec(ModelSpec.newBuilder().setName("trm")).addMetadataField("signature_def").build());
    SignatureDefMap defs = m.getMetadataOrThrow("signature_def").unpack(SignatureDefMap.class);
    assertThat(defs.getSignatureDefMap().keySet()).containsExactly("serving_default", "fixed_steps", "act_step");
    assertThat(m.getModelSpec().getVersion().getValue()).isEqualTo(1);
    GetModelStatusResponse st = models.getModelStatus(GetModelStatusRequest.newBuilder()
        .setModelSpec(ModelSpec.newBuilder().setName("trm").setVersionLabel("stable")).build());
    assertThat(st.getModelVersionStatusCount()).isEqualTo(1);
    assertThat(st.getModelVersionStatus(0).getState()).isEqualTo(ModelVersionStatus.State.AVAILABLE);
    assertThat(st.getModelVersionStatus(0).getVersion()).isEqualTo(1);
    assertThat(failure(() -> models.getModelStatus(GetModelStatusRequest.newBuilder()
        .setModelSpec(ModelSpec.newBuilder().setName("nope")).build())).getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void warmUpRequestsRunBeforeTheVersionIsAvailable() {
    List<String> messages;
    synchronized (log) {
      messages = List.copyOf(log);
    }
    int replayed = indexOfStart(messages, "model trm version 1: replayed 2 warm-up requests from ");
    int loaded = indexOfStart(messages, "loaded model trm version 1 ");
    assertThat(replayed).isAtLeast(0);
    assertThat(loaded).isGreaterThan(replayed);
  }

  private static int indexOfStart(List<String> messages, String prefix) {
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void reloadConfigLoadsModelsAndABrokenWarmUpFileFailsTheLoad() throws Exception {
    Path broken = dir.resolve("broken");
    Files.createDirectories(broken.resolve("1"));
    try (var files = Files.walk(dir.resolve("models/trm/1"))) {
      for (Path f : files.toList()) {
        Path to = broken.resolve("1").resolve(dir.resolve("models/trm/1").relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    Path warmup = broken.resolve("1").resolve(Warmup.FILE);
    byte[] bytes = Files.readAllBytes(warmup);
    Files.write(warmup, Arrays.copyOf(bytes, bytes.length - 3));
    ModelServerConfig config = ModelServerConfig.newBuilder().setModelConfigList(ModelConfigList.newBuilder()
        .addConfig(ServingConfigs.readModelConfigFile(dir.resolve("labels.config")).get(0))
        .addConfig(ServingConfigs.singleModel("broken", broken.toString()))).build();
    models.handleReloadConfigRequest(ReloadConfigRequest.newBuilder().setConfig(config).build());
    ModelVersionStatus st = models.getModelStatus(GetModelStatusRequest.newBuilder()
        .setModelSpec(ModelSpec.newBuilder().setName("broken")).build()).getModelVersionStatus(0);
    assertThat(st.getState()).isEqualTo(ModelVersionStatus.State.END);
    assertThat(st.getStatus().getErrorMessage()).contains("warm-up file " + warmup + ": record 1 is truncated");
    Status s = failure(() -> models.handleReloadConfigRequest(ReloadConfigRequest.newBuilder()
        .setConfig(ModelServerConfig.newBuilder().setModelConfigList(ModelConfigList.newBuilder()
            .addConfig(ServingConfigs.singleModel("x", dir.resolve("absent").toString())))).build()));
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).contains("is not a directory");
  }

  /** A python3 that has grpcio and grpc_tools (Debian's packages serve /usr/bin/python3), or null. */
  private static String python() throws Exception {
    for (String candidate : List.of("python3", "/usr/bin/python3")) {
      try {
        Process p = new ProcessBuilder(candidate, "-c", "import grpc, grpc_tools.protoc").redirectErrorStream(true)
            .start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return candidate;
        }
        p.destroyForcibly();
      } catch (IOException absent) {
        // no such interpreter: try the next
      }
    }
    return null;
  }

  /** Runs {@code command} in {@code dir} with {@code stdin}, for at most 2 minutes; its standard output. */
  private static String run(String stdin, String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    try {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(0);
      return new String(out, StandardCharsets.UTF_8);
    } finally {
      p.destroyForcibly();
    }
  }

  private static List<String> protos(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(f -> f.toString().endsWith(".proto")).map(f -> root.relativize(f).toString()).toList();
    }
  }

  /**
   * A client of the official API in another language: Python's grpcio with stubs generated by grpc_tools.protoc
   * (both from Debian) from the serving module's .proto files, which carry TF Serving's package, service, message
   * and field names. It calls Predict, GetModelStatus and Classify; its predictions must equal the REST API's.
   */
  @Test
  void pythonGrpcioClientGetsTheRestPredictions() throws Exception {
    String python = python();
    assumeTrue(python != null, "python3-grpcio and python3-grpc-tools are not installed (.ci/run installs them)");
    Path repo = Path.of(System.getProperty("trm.repo", ".."));
    Path api = repo.resolve("serving/src/main/proto");
    Path tensorflow = repo.resolve("serving/src/main/tensorflow-proto");
    Path stubs = Files.createDirectories(dir.resolve("stubs"));
    List<String> protoc = new ArrayList<>(List.of(python, "-m", "grpc_tools.protoc", "-I" + api, "-I" + tensorflow,
        "--python_out=" + stubs, "--grpc_python_out=" + stubs));
    protoc.addAll(protos(api));
    protoc.addAll(protos(tensorflow));
    run("", protoc.toArray(new String[0]));
    Path client = dir.resolve("tf_serving_client.py");
    try (InputStream in = GrpcServerTest.class.getResourceAsStream("/grpc/tf_serving_client.py")) {
      Files.copy(in, client);
    }

    ArrayNode list = JSON.createArrayNode();
    ObjectNode rest = JSON.createObjectNode();
    ArrayNode instances = rest.putArray("instances");
    for (int[] p : Arrays.copyOf(puzzles, 3)) {
      ArrayNode row = list.addArray();
      Arrays.stream(p).forEach(row::add);
      ObjectNode inst = instances.addObject();
      inst.set("inputs", row.deepCopy());
      inst.put("puzzle_identifiers", 1);
    }
    JsonNode py = JSON.readTree(run(list.toString(), python, client.toString(), stubs.toString(),
        "127.0.0.1:" + grpc.port(), "trm"));
    List<Integer> restPredictions = new ArrayList<>();
    List<Integer> restSteps = new ArrayList<>();
    for (JsonNode p : new RestClient(server.port()).post("/v1/models/trm:predict", rest).body().get("predictions")) {
      p.get("predictions").forEach(t -> restPredictions.add(t.intValue()));
      restSteps.add(p.get("steps").intValue());
    }
    assertThat(jsonInts(py.get("predictions"))).isEqualTo(restPredictions);
    assertThat(jsonInts(py.get("steps"))).isEqualTo(restSteps);
    assertThat(py.get("version").asLong()).isEqualTo(1);
    assertThat(py.get("status").get(0).get("state").asText()).isEqualTo("AVAILABLE");
    assertThat(py.get("classify").asText()).isEqualTo("UNIMPLEMENTED");
  }

  private static List<Integer> jsonInts(JsonNode array) {
    List<Integer> out = new ArrayList<>();
    array.forEach(n -> out.add(n.intValue()));
    return out;
  }
}
