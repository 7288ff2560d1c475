package dev.trm.serving;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.export.TinyModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client of the official API in another language: Python's grpcio with stubs generated (grpc_tools.protoc, both
 * from Debian) from the .proto files of the serving module, which carry TF Serving's package, service, message and
 * field names. It calls Predict, GetModelStatus and Classify on an export served on 127.0.0.1, and its predictions
 * must equal the REST API's.
 */
class GrpcPythonClientTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path REPO = Path.of(System.getProperty("trm.repo", ".."));

  @TempDir Path dir;

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

  private static String run(Path workDir, String stdin, String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT)
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

  @Test
  void pythonGrpcioClientGetsTheRestPredictions() throws Exception {
    String python = python();
    assumeTrue(python != null, "python3-grpcio and python3-grpc-tools are not installed (.ci/run installs them)");
    Path api = REPO.resolve("serving/src/main/proto");
    Path tensorflow = REPO.resolve("serving/src/main/tensorflow-proto");
    Path stubs = dir.resolve("stubs");
    Files.createDirectories(stubs);
    List<String> protoc = new ArrayList<>(List.of(python, "-m", "grpc_tools.protoc", "-I" + api, "-I" + tensorflow,
        "--python_out=" + stubs, "--grpc_python_out=" + stubs));
    protoc.addAll(protos(api));
    protoc.addAll(protos(tensorflow));
    run(dir, "", protoc.toArray(new String[0]));
    Path client = dir.resolve("tf_serving_client.py");
    try (var in = getClass().getResourceAsStream("/grpc/tf_serving_client.py")) {
      Files.copy(in, client);
    }

    Path base = dir.resolve("models");
    TinyModel.export(base, "trm", 1, 11);
    int[][] puzzles = TinyModel.randomInputs(3, TinyModel.DIMS, 6);
    try (ServingServer server = ServingServer.start(List.of(ServingConfigs.singleModel("trm",
            base.resolve("trm").toString())), ServingServerTest.options(null));
        GrpcServer grpc = GrpcServer.start(server.predictor(), "127.0.0.1", 0, 4, 1 << 20)) {
      ArrayNode list = JSON.createArrayNode();
      ObjectNode rest = JSON.createObjectNode();
      ArrayNode instances = rest.putArray("instances");
      for (int[] p : puzzles) {
        ArrayNode row = list.addArray();
        Arrays.stream(p).forEach(row::add);
        ObjectNode inst = instances.addObject();
        inst.set("inputs", row.deepCopy());
        inst.put("puzzle_identifiers", 1);
      }
      JsonNode py = JSON.readTree(run(dir, list.toString(), python, client.toString(), stubs.toString(),
          "127.0.0.1:" + grpc.port(), "trm"));
      JsonNode viaRest = new RestClient(server.port()).post("/v1/models/trm:predict", rest).body().get("predictions");

      List<Integer> restPredictions = new ArrayList<>();
      List<Integer> restSteps = new ArrayList<>();
      for (JsonNode p : viaRest) {
        p.get("predictions").forEach(t -> restPredictions.add(t.intValue()));
        restSteps.add(p.get("steps").intValue());
      }
      assertThat(ints(py.get("predictions"))).isEqualTo(restPredictions);
      assertThat(ints(py.get("steps"))).isEqualTo(restSteps);
      assertThat(py.get("version").asLong()).isEqualTo(1);
      assertThat(py.get("status").get(0).get("state").asText()).isEqualTo("AVAILABLE");
      assertThat(py.get("classify").asText()).isEqualTo("UNIMPLEMENTED");
    }
  }

  private static List<Integer> ints(JsonNode array) {
    List<Integer> out = new ArrayList<>();
    array.forEach(n -> out.add(n.intValue()));
    return out;
  }
}
