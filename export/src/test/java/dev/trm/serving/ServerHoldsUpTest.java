package dev.trm.serving;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Int64Value;
import dev.trm.export.TinyModel;
import dev.trm.serving.RestClient.Response;
import dev.trm.serving.config.BatchingParameters;
import dev.trm.serving.config.ModelConfig;
import dev.trm.serving.config.MonitoringConfig;
import dev.trm.training.Sessions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;

/**
 * The server under abuse, on the tiny TRM: row caps, unparseable bodies, stalled clients, overload, deadlines,
 * failing polls and loads, shutdown with requests in flight, and its Prometheus page. The export module's tests run
 * with a 4 s read deadline (pom.xml), so a stalled client is seen being cut off.
 */
class ServerHoldsUpTest {
  private static final int S = TinyModel.DIMS.seqLen();
  private static final String PREDICT = "/v1/models/trm:predict";

  @TempDir static Path dir;
  private static Path base;
  /** No batching, one model thread (four may wait), at most 3 rows per request, metrics on. */
  private static ServingServer plain;
  /** Batching: at most 4 rows per batch, a batch waits up to 1 s; one model thread, four may wait. */
  private static ServingServer batching;

  @BeforeAll
  static void start() throws IOException {
    base = dir.resolve("models");
    TinyModel.export(base, "trm", 1, 11);
    Files.writeString(dir.resolve("monitoring.config"),
        "prometheus_config { enable: true path: \"/monitoring/prometheus/metrics\" }");
    List<ModelConfig> models = List.of(ServingConfigs.singleModel("trm", base.resolve("trm").toString()));
    plain = ServingServer.start(models, options(1, 60_000, null),
        new ServingServer.Robustness(3, 4, ModelManager.LoadRetries.NONE),
        ServingConfigs.readMonitoringConfig(dir.resolve("monitoring.config")));
    batching = ServingServer.start(models, options(1, 60_000, batchingParameters(1_000_000)),
        new ServingServer.Robustness(1024, 4, ModelManager.LoadRetries.NONE), MonitoringConfig.getDefaultInstance());
  }

  @AfterAll
  static void stop() {
    plain.close();
    batching.close();
  }

  private static ServingServer.Options options(int threads, long timeoutMs, BatchingParameters batching) {
    return new ServingServer.Options("127.0.0.1", 0, threads, timeoutMs, 1 << 20, 0, null, 0, batching,
        Sessions.config(), "serve");
  }

  private static BatchingParameters batchingParameters(long timeoutMicros) {
    return BatchingParameters.newBuilder().setMaxBatchSize(Int64Value.of(4))
        .setBatchTimeoutMicros(Int64Value.of(timeoutMicros)).setNumBatchThreads(Int64Value.of(1)).build();
  }

  /** A columnar request of {@code rows} random puzzles. */
  static String request(int rows) {
    int[][] puzzles = TinyModel.randomInputs(rows, TinyModel.DIMS, rows);
    String inputs = Arrays.stream(puzzles).map(Arrays::toString).collect(Collectors.joining(","));
    String ids = IntStream.range(0, rows).mapToObj(i -> "0").collect(Collectors.joining(","));
    return "{\"inputs\": {\"inputs\": [" + inputs + "], \"puzzle_identifiers\": [" + ids + "]}}";
  }

  @Test
  void aRequestOverMaxBatchSizeIsRefusedWithTfServingsMessage() {
    RestClient c = new RestClient(batching.port());
    Response r = c.post(PREDICT, request(5));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("Task size 5 is larger than maximum input batch size 4");
  }

  @Test
  void rowsAreCappedWithoutBatchingToo() {
    RestClient c = new RestClient(plain.port());
    Response r = c.post(PREDICT, request(4));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("Task size 4 is larger than maximum input batch size 3");
    assertThat(c.post(PREDICT, request(3)).status()).isEqualTo(200);
  }

  @Test
  void unparseableBodiesAre400sThatNameTheProblemAndNothingOfJava() {
    RestClient c = new RestClient(plain.port());
    String good = request(1);
    List<byte[]> bodies = new ArrayList<>();
    for (String s : List.of("[".repeat(10_000), "{".repeat(10_000), "{\"inputs\": " + "[".repeat(900)
        + "1" + "]".repeat(900) + "}", good.substring(0, good.length() / 2), good + " trailing", good + "}",
        "{\"instances\": \"abc\"}", "{\"instances\": [{\"inputs\": \"x\", \"puzzle_identifiers\": 0}]}",
        "{\"inputs\": {\"inputs\": [[1.5]], \"puzzle_identifiers\": [0]}}", "{\"signature_name\": 5, \"inputs\": 1}",
        "{\"inputs\": {\"inputs\": [[" + "9".repeat(400) + "]], \"puzzle_identifiers\": [0]}}",
        "nul", "\"text\"", "{\"inputs\": null}", "{\"a\": 1, \"a\": 2}", "{'inputs': 1}")) {
      bodies.add(s.getBytes(StandardCharsets.UTF_8));
    }
    bodies.add(new byte[] {'{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'});
    for (byte[] body : bodies) {
      String shown = new String(body, 0, Math.min(40, body.length), StandardCharsets.UTF_8);
      Response r = c.post(PREDICT, body);
      assertWithMessage(shown).that(r.status()).isEqualTo(400);
      assertWithMessage(shown).that(r.error()).isNotEmpty();
      for (String internal : List.of("Exception", "java.", "jackson", "Jackson", "NullPointer", "\tat ", "Source:",
          "StreamReadConstraints", "`")) {
        assertWithMessage(shown).that(r.error()).doesNotContain(internal);
      }
    }
    assertThat(c.post(PREDICT, "[".repeat(10_000)).error())
        .isEqualTo("JSON Parse error: nesting deeper than 1000 levels (or a value over the parser's size limits)");
    assertThat(c.post(PREDICT, good).status()).isEqualTo(200);
  }

  @Test
  void stalledClientsAreCutOffAndDoNotStarveOthers() throws Exception {
    RestClient c = new RestClient(plain.port());
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        Socket s = new Socket("127.0.0.1", plain.port());
        s.setSoTimeout(30_000);
        OutputStream out = s.getOutputStream();
        // Headers begun, a body promised: the server waits for the rest, holding a connection thread.
        out.write(("POST " + PREDICT + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"inp").getBytes(
            StandardCharsets.US_ASCII));
        out.flush();
        stalled.add(s);
      }
      long start = System.nanoTime();
      for (int i = 0; i < 5; i++) {
        assertThat(c.post(PREDICT, request(1)).status()).isEqualTo(200);
      }
      // Well before the read deadline closes the stalled ones: they did not hold the others up.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
      for (Socket s : stalled) {
        InputStream in = s.getInputStream();
        int got;
        try {
          got = in.read();
        } catch (IOException closed) {
          got = -1;
        }
        assertThat(got).isEqualTo(-1);
      }
      // The read deadline (4 s in tests) plus the JDK server's 1 s timer tick, with room for a busy machine.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
  }

  @Test
  void overloadIsA503JsonAnswerNotAResetConnection() throws Exception {
    // One model thread and four waiting: a batch holds its turn for 1 s, so of ten at once several are refused.
    RestClient c = new RestClient(batching.port());
    ExecutorService pool = Executors.newFixedThreadPool(10);
    try {
      List<Future<Response>> answers = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        answers.add(pool.submit(() -> c.post(PREDICT, request(1))));
      }
      int ok = 0;
      int refused = 0;
      for (Future<Response> f : answers) {
        Response r = f.get(60, TimeUnit.SECONDS);
        if (r.status() == 503) {
          refused++;
          assertThat(r.error()).startsWith("Server overloaded:");
        } else {
          assertThat(r.status()).isEqualTo(200);
          ok++;
        }
      }
      assertThat(ok + refused).isEqualTo(10);
      assertThat(refused).isAtLeast(1);
      assertThat(ok).isAtLeast(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void admissionRefusesBeyondItsWaitingRoomAndTimesOutAWait() throws Exception {
    Admission a = new Admission(1, 1);
    try (Admission.Turn held = a.enter(0)) {
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<ServingException> waiter = pool.submit(() -> assertThrows(ServingException.class, () -> a.enter(800)));
        Thread.sleep(200);
        ServingException full = assertThrows(ServingException.class, () -> a.enter(800));
        assertThat(full.code().httpStatus).isEqualTo(503);
        ServingException late = waiter.get(10, TimeUnit.SECONDS);
        assertThat(late.code().httpStatus).isEqualTo(504);
      } finally {
        pool.shutdownNow();
      }
    }
    a.enter(100).close();
  }

  @Test
  void aModelRunPastItsDeadlineIsDeadlineExceeded() {
    Servable s = Servable.load("trm", 1, base.resolve("trm/1"), Sessions.config(), "serve");
    try {
      int rows = 512;
      int[] flat = Arrays.stream(TinyModel.randomInputs(rows, TinyModel.DIMS, 3)).flatMapToInt(Arrays::stream)
          .toArray();
      Map<String, HostTensor> in = Map.of(
          "inputs", new HostTensor(DataType.DT_INT32, new long[] {rows, S}, flat),
          "puzzle_identifiers", new HostTensor(DataType.DT_INT32, new long[] {rows}, new int[rows]));
      ServingException e = assertThrows(ServingException.class, () -> s.run(s.signature("fixed_steps"), in, 1));
      assertThat(e.code()).isEqualTo(ServingException.Code.DEADLINE_EXCEEDED);
      assertThat(e.code().httpStatus).isEqualTo(504);
    } finally {
      s.retire();
    }
  }

  @Test
  void closeLetsARequestInFlightFinish() throws Exception {
    ServingServer s = ServingServer.start(List.of(ServingConfigs.singleModel("trm", base.resolve("trm").toString())),
        options(2, 60_000, batchingParameters(3_000_000)));
    RestClient c = new RestClient(s.port());
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      // The request waits 3 s for a batch to fill; close() comes in the middle of it.
      Future<Response> inFlight = pool.submit(() -> c.post(PREDICT, request(1)));
      Thread.sleep(1500);
      s.close();
      assertThat(inFlight.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThrows(IOException.class, () -> new Socket("127.0.0.1", s.port()).close());
    } finally {
      pool.shutdownNow();
      s.close();
    }
  }

  @Test
  void aFailingPeriodicTaskKeepsBeingRun() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
    try {
      poller.scheduleWithFixedDelay(ServingServer.surviving("test poll", () -> {
        int run = runs.incrementAndGet();
        if (run == 1) {
          throw new IllegalStateException("disk gone");
        }
        if (run == 2) {
          throw new AssertionError("worse");
        }
      }), 0, 20, TimeUnit.MILLISECONDS);
      long deadline = System.currentTimeMillis() + 10_000;
      while (runs.get() < 4 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertThat(runs.get()).isAtLeast(4);
    } finally {
      poller.shutdownNow();
    }
  }

  @Test
  void aFailedLoadIsRetriedAndAVersionRepairedMeanwhileComesUp() throws Exception {
    Path models = dir.resolve("retried");
    Path good = dir.resolve("good");
    TinyModel.export(good, "m", 1, 5);
    Files.createDirectories(models.resolve("m/1/variables"));
    Files.writeString(models.resolve("m/1/saved_model.pb"), "not a SavedModel");
    ServingMetrics metrics = new ServingMetrics();
    try (ModelManager m = new ModelManager(List.of(ServingConfigs.singleModel("m", models.resolve("m").toString())),
        Sessions.config(), new ModelManager.LoadRetries(20, Duration.ofMillis(200)), metrics, "serve")) {
      Thread repair = new Thread(() -> {
        try {
          Thread.sleep(500);
          copyTree(good.resolve("m/1"), models.resolve("m/1"));
        } catch (IOException | InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      repair.start();
      m.poll();
      repair.join();
      assertThat(m.status("m", 1L).get(0).state()).isEqualTo("AVAILABLE");
      String text = scrape(metrics, m);
      assertThat(text).contains(":tensorflow:cc:saved_model:load_attempt_count{model_path=\""
          + models.resolve("m/1") + "\",status=\"success\"} 1");
      assertThat(text).containsMatch(":tensorflow:cc:saved_model:load_attempt_count\\{model_path=\"[^\"]*\","
          + "status=\"fail\"} [1-9]");
    }
    // Retries run out: the version ends with the load error.
    Files.createDirectories(models.resolve("n/1/variables"));
    Files.writeString(models.resolve("n/1/saved_model.pb"), "not a SavedModel");
    try (ModelManager m = new ModelManager(List.of(ServingConfigs.singleModel("n", models.resolve("n").toString())),
        Sessions.config(), new ModelManager.LoadRetries(2, Duration.ofMillis(10)), metrics, "serve")) {
      m.poll();
      ModelManager.VersionStatus st = m.status("n", 1L).get(0);
      assertThat(st.state()).isEqualTo("END");
      assertThat(st.errorMessage()).startsWith("Failed to load");
      assertThat(scrape(metrics, m)).contains(":tensorflow:cc:saved_model:load_attempt_count{model_path=\""
          + models.resolve("n/1") + "\",status=\"fail\"} 3");
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static String scrape(ServingMetrics metrics, ModelManager m) throws IOException {
    java.io.StringWriter w = new java.io.StringWriter();
    metrics.write(w, m.availableVersions());
    return w.toString();
  }

  @Test
  void metricsAreServedAsPrometheusTextUnderTfServingsNames() throws Exception {
    RestClient c = new RestClient(plain.port());
    assertThat(c.post(PREDICT, request(1)).status()).isEqualTo(200);
    assertThat(c.post(PREDICT, "{").status()).isEqualTo(400);
    assertThat(c.get("/v1/models/trm").status()).isEqualTo(200);
    java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + plain.port()
            + "/monitoring/prometheus/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
    String text = page.body();
    assertThat(text).contains("# TYPE :tensorflow:serving:request_count counter\n");
    assertThat(text).containsMatch(":tensorflow:serving:request_count\\{model_name=\"trm\",status=\"OK\"} [1-9]");
    assertThat(text).containsMatch(
        ":tensorflow:serving:request_count\\{model_name=\"trm\",status=\"INVALID_ARGUMENT\"} [1-9]");
    assertThat(text).contains("# TYPE :tensorflow:serving:request_latency histogram\n");
    assertThat(text).containsMatch(":tensorflow:serving:request_latency_bucket\\{model_name=\"trm\",API=\"Predict\","
        + "entrypoint=\"REST\",le=\"\\+Inf\"} [1-9]");
    assertThat(text).contains(":tensorflow:serving:request_latency_bucket{model_name=\"trm\",API=\"GetModelStatus\","
        + "entrypoint=\"REST\",le=\"10\"}");
    assertThat(text).containsMatch(":tensorflow:serving:runtime_latency_count\\{model_name=\"trm\",API=\"Predict\","
        + "runtime=\"TF1\"} [1-9]");
    assertThat(text).contains(":trm:serving:loaded_version{model_name=\"trm\",version=\"1\"} 1\n");
    // Every sample line is "name{labels} value" with a name Prometheus accepts.
    for (String line : text.split("\n")) {
      if (!line.startsWith("#")) {
        assertThat(line).matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*})? [0-9.eE+-]+");
      }
    }
  }

  @Test
  void histogramBucketsAreCumulativeAndLabelsEscaped() throws IOException {
    PrometheusFamily h = PrometheusFamily.histogram("h", "a histogram", new double[] {1, 10}, "model_name");
    h.cell("a\"b\\c\nd").observe(0.5);
    h.cell("a\"b\\c\nd").observe(5);
    h.cell("a\"b\\c\nd").observe(50);
    java.io.StringWriter w = new java.io.StringWriter();
    h.write(w);
    assertThat(w.toString()).isEqualTo("# HELP h a histogram\n# TYPE h histogram\n"
        + "h_bucket{model_name=\"a\\\"b\\\\c\\nd\",le=\"1\"} 1\n"
        + "h_bucket{model_name=\"a\\\"b\\\\c\\nd\",le=\"10\"} 2\n"
        + "h_bucket{model_name=\"a\\\"b\\\\c\\nd\",le=\"+Inf\"} 3\n"
        + "h_sum{model_name=\"a\\\"b\\\\c\\nd\"} 55.5\n"
        + "h_count{model_name=\"a\\\"b\\\\c\\nd\"} 3\n");
  }

  @Test
  void aMonitoringConfigDefaultsItsPathAndRefusesABadOne() throws IOException {
    Path f = dir.resolve("m.config");
    Files.writeString(f, "prometheus_config { enable: true }");
    MonitoringConfig m = ServingConfigs.readMonitoringConfig(f);
    assertThat(m.getPrometheusConfig().getPath()).isEqualTo("/monitoring/prometheus/metrics");
    Files.writeString(f, "prometheus_config { enable: true path: \"metrics\" }");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ServingConfigs.readMonitoringConfig(f));
    assertThat(e).hasMessageThat().contains("prometheus_config.path 'metrics'");
    Files.writeString(f, "prometheus_config { enable: true pth: \"/m\" }");
    e = assertThrows(IllegalArgumentException.class, () -> ServingConfigs.readMonitoringConfig(f));
    assertThat(e).hasMessageThat().startsWith(f.toString());
  }
}
