package dev.trm.cli;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.datasets.Npy;
import dev.trm.datasets.NpyDtype;
import dev.trm.serving.ServingServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * trm import-torch -> export -> serve -> predict through the command line, on the hand-made official checkpoint of
 * the export module's tests (torch/tiny.pt, tiny-config.pbtxt).
 */
class ServingCommandsTest {
  private static final Path REPO = Path.of(System.getProperty("trm.repo", ".."));
  private static final Path PT = REPO.resolve("model/src/test/resources/torch/tiny.pt");
  private static final Path CONFIG = REPO.resolve("export/src/test/resources/tiny-config.pbtxt");

  @TempDir static Path dir;

  /** Runs {@code args}; returns {exit code, stderr}. */
  private static Object[] run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Trm()).setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler(new CliErrors());
    return new Object[] {cli.execute(args), err.toString()};
  }

  @BeforeAll
  static void importTheOfficialCheckpoint() {
    Object[] r = run("import-torch", "--checkpoint", PT.toString(), "--config", CONFIG.toString(), "--seq-len", "6",
        "--out", dir.resolve("models").toString(), "--checkpoint-out", dir.resolve("ckpt").toString());
    assertThat(r[1]).isEqualTo("");
    assertThat(r[0]).isEqualTo(0);
  }

  @Test
  void importWroteASavedModelAndACheckpointThatExportsAgain() {
    assertThat(Files.isRegularFile(dir.resolve("models/trm/1/saved_model.pb"))).isTrue();
    Object[] r = run("export", "--checkpoint", dir.resolve("ckpt").toString(), "--base", dir.resolve("models").toString());
    assertThat(r[0]).isEqualTo(0);
    assertThat(Files.isRegularFile(dir.resolve("models/trm/2/saved_model.pb"))).isTrue();
  }

  @Test
  void predictGivesTheSameAnswersFromTheSavedModelAndTheCheckpoint() {
    Path inputs = dir.resolve("inputs.npy");
    Npy.write(inputs, new long[] {3, 6}, new int[] {1, 2, 3, 4, 5, 6, 2, 2, 2, 2, 2, 2, 10, 9, 8, 7, 6, 5},
        NpyDtype.INT32);
    Path ids = dir.resolve("ids.npy");
    Npy.write(ids, new long[] {3}, new int[] {0, 1, 2}, NpyDtype.INT32);
    for (String model : new String[] {"models/trm", "ckpt"}) {
      Object[] r = run("predict", "--model", dir.resolve(model).toString(), "--input", inputs.toString(),
          "--puzzle-ids", ids.toString(), "--out", dir.resolve(model.replace('/', '_') + ".npy").toString(),
          "--q-halt", dir.resolve(model.replace('/', '_') + "_q.npy").toString(), "--steps", "2", "--fixed-steps");
      assertThat(r[1]).isEqualTo("");
      assertThat(r[0]).isEqualTo(0);
    }
    assertThat(Npy.read(dir.resolve("models_trm.npy")).readAllInts())
        .isEqualTo(Npy.read(dir.resolve("ckpt.npy")).readAllInts());
    assertThat(Npy.read(dir.resolve("ckpt_q.npy")).shape()).isEqualTo(new long[] {3});
  }

  @Test
  void predictRefusesIgnoredFlagsAndUnusableOutputsBeforeAnyInference() throws Exception {
    Path inputs = dir.resolve("refused-inputs.npy");
    Npy.write(inputs, new long[] {1, 6}, new int[] {1, 2, 3, 4, 5, 6}, NpyDtype.INT32);
    String savedModel = dir.resolve("models/trm").toString();
    Path outDir = Files.createDirectories(dir.resolve("out-dir.npy"));
    Object[][] cases = {
        {new String[] {"--raw-weights"}, "preds.npy", "--raw-weights applies to a checkpoint or run directory"},
        {new String[] {"--steps", "0"}, "preds.npy", "--steps must be at least 1, got 0"},
        {new String[] {}, "preds.csv", "must end in .npy"},
        {new String[] {}, outDir.getFileName().toString(), "is a directory"},
    };
    for (Object[] c : cases) {
      List<String> args = new ArrayList<>(List.of("predict", "--model", savedModel, "--input", inputs.toString(),
          "--out", dir.resolve((String) c[1]).toString()));
      args.addAll(List.of((String[]) c[0]));
      Object[] r = run(args.toArray(String[]::new));
      assertThat(r[0]).isEqualTo(1);
      assertThat((String) r[1]).contains((String) c[2]);
    }
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("preds") || n.contains("partial")
          || n.endsWith(".tmp")).toList()).isEmpty();
    }
    Path csv = Files.writeString(dir.resolve("puzzles.csv"), "source,question,answer,rating\nx,123456,,0\n");
    Object[] r = run("predict", "--model", savedModel, "--input", csv.toString(), "--out",
        dir.resolve("preds.npy").toString());
    assertThat((String) r[1]).contains("must end in .csv: a CSV input gives its predictions as CSV");
  }

  @Test
  void evaluateOutWithoutTheArcEvaluatorIsRefused() {
    Object[] r = run("evaluate", "--checkpoint", dir.resolve("ckpt").toString(), "--out",
        dir.resolve("eval-out").toString());
    assertThat(r[0]).isEqualTo(1);
    assertThat((String) r[1]).contains("only the ARC evaluator writes files");
    assertThat(Files.exists(dir.resolve("eval-out"))).isFalse();
  }

  @Test
  void serveTakesTfServingsFlagSpelling() throws Exception {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--model_name=tiny", "--model_base_path=" + dir.resolve("models/trm"),
        "--rest_api_port=0", "--rest_api_host=127.0.0.1", "--enable_batching=true", "--file_system_poll_wait_seconds=0");
    try (ServingServer server = serve.start()) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/v1/models/tiny:predict"))
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"instances\": [{\"inputs\": [1, 2, 3, 4, 5, 6], \"puzzle_identifiers\": 2}]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"predictions\"");
    }
  }

  @Test
  void serveRefusesAVersionDirectoryAsTheBasePath() throws Exception {
    Path version = dir.resolve("models/trm/1");
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--model_base_path=" + version, "--rest_api_port=0", "--rest_api_host=127.0.0.1");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> serve.start().close());
    assertThat(e).hasMessageThat().isEqualTo("--model_base_path " + version + " is a SavedModel version directory (it "
        + "holds saved_model.pb); give the directory of the numbered versions instead: " + dir.resolve("models/trm"));

    Path config = dir.resolve("version-as-base.config");
    Files.writeString(config, "model_config_list { config { name: 'tiny' base_path: '" + version + "' } }");
    ServeCommand fromFile = new ServeCommand();
    new CommandLine(fromFile).parseArgs("--model_config_file=" + config, "--rest_api_port=0",
        "--rest_api_host=127.0.0.1");
    e = assertThrows(IllegalArgumentException.class, () -> fromFile.start().close());
    assertThat(e).hasMessageThat().startsWith(config + ": base_path of model 'tiny' " + version + " is a SavedModel "
        + "version directory");
  }

  @Test
  void serveFinishesARequestInFlightOnSigtermThenExits() throws Exception {
    // A batch waits 3 s for company, so the request is surely in flight when SIGTERM comes.
    Path batching = dir.resolve("slow_batching.txt");
    Files.writeString(batching, "max_batch_size { value: 8 } batch_timeout_micros { value: 3000000 }");
    Path monitoring = dir.resolve("monitoring.config");
    Files.writeString(monitoring, "prometheus_config { enable: true path: \"/monitoring/prometheus/metrics\" }");
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process serve = new ProcessBuilder(javaBin, "-cp", classPath, Trm.class.getName(), "serve", "--model_name=tiny",
        "--model_base_path=" + dir.resolve("models/trm"), "--rest_api_port=0", "--rest_api_host=127.0.0.1",
        "--enable_batching", "--batching_parameters_file=" + batching, "--file_system_poll_wait_seconds=0",
        "--monitoring_config_file=" + monitoring)
        .redirectError(dir.resolve("serve.err").toFile()).start();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(serve.getInputStream(),
          java.nio.charset.StandardCharsets.UTF_8));
      java.util.concurrent.Future<String> ready = pool.submit(() -> {
        for (String line; (line = out.readLine()) != null; ) {
          if (line.startsWith("REST API on ")) {
            return line;
          }
        }
        return "";
      });
      java.util.regex.Matcher port = java.util.regex.Pattern.compile(":(\\d+)/v1/")
          .matcher(ready.get(180, java.util.concurrent.TimeUnit.SECONDS));
      assertThat(port.find()).isTrue();
      String base = "http://127.0.0.1:" + port.group(1);
      HttpClient http = HttpClient.newHttpClient();
      java.util.concurrent.CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
          HttpRequest.newBuilder(URI.create(base + "/v1/models/tiny:predict")).POST(HttpRequest.BodyPublishers
              .ofString("{\"instances\": [{\"inputs\": [1, 2, 3, 4, 5, 6], \"puzzle_identifiers\": 2}]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      Thread.sleep(1500);
      serve.destroy();  // SIGTERM
      HttpResponse<String> answer = inFlight.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).contains("\"predictions\"");
      assertThat(serve.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
      serve.destroyForcibly();
    }
  }

  @Test
  void serveWiresTheMonitoringFlag() throws Exception {
    Path monitoring = dir.resolve("monitoring-only.config");
    Files.writeString(monitoring, "prometheus_config { enable: true path: \"/metrics\" }");
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--model_name=tiny", "--model_base_path=" + dir.resolve("models/trm"),
        "--rest_api_port=0", "--rest_api_host=127.0.0.1", "--file_system_poll_wait_seconds=0",
        "--monitoring_config_file=" + monitoring, "--max_num_load_retries=0", "--max_request_rows=2");
    try (ServingServer server = serve.start()) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> refused = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/v1/models/tiny:predict"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": {\"inputs\": [[1,2,3,4,5,6],[1,2,3,4,5,6],"
              + "[1,2,3,4,5,6]], \"puzzle_identifiers\": [0,0,0]}}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body()).contains("Task size 3 is larger than maximum input batch size 2");
      HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body()).contains(
          ":tensorflow:serving:request_count{model_name=\"tiny\",status=\"INVALID_ARGUMENT\"} 1");
    }
  }

  @Test
  void badInputIsOneClearLine() {
    Object[] r = run("import-torch", "--checkpoint", PT.toString(), "--config", CONFIG.toString(), "--out",
        dir.resolve("x").toString());
    assertThat(r[0]).isEqualTo(1);
    assertThat((String) r[1]).contains("give --seq-len or --data DIR");
    r = run("predict", "--model", dir.resolve("nothing-here").toString(), "--input", PT.toString(), "--out",
        dir.resolve("o.csv").toString());
    assertThat(r[0]).isEqualTo(1);
    assertThat((String) r[1]).contains("nothing-here");
  }
}
