package dev.trm.serving;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.google.protobuf.Int64Value;
import dev.trm.export.SavedModelExporter;
import dev.trm.export.TinyModel;
import dev.trm.serving.LoadDriver.Figures;
import dev.trm.serving.LoadTransport.Outcome;
import dev.trm.serving.config.BatchingParameters;
import dev.trm.model.ModelDims;
import dev.trm.model.config.ConfigLoader;
import dev.trm.model.config.TrmConfig;
import dev.trm.training.Sessions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load and abuse on 127.0.0.1 through {@link LoadDriver}: many clients at once, a flood of malformed and oversized
 * requests, slow clients, over REST and over gRPC. {@link #shortRun} and {@link #shortRunOverGrpc} run in the
 * default suite on the tiny model; {@link #figures} and {@link #figuresOverGrpc} are the full runs whose numbers
 * serving/README.md reports (the default config's model, 100 clients for 60 s, 10,000 abusive requests, 20 slow
 * clients).
 */
class ServerLoadTest {
  /** --max_request_bytes: 256 KiB (about 700 6x6 puzzles), so oversized requests cost little to send. */
  private static final int MAX_BODY = 256 << 10;

  @TempDir Path dir;

  /** What {@code trm export} writes to batching_parameters.txt: batches of up to 64, 2 ms, one batch thread. */
  private static BatchingParameters exportedBatching() {
    return BatchingParameters.newBuilder().setMaxBatchSize(Int64Value.of(64))
        .setBatchTimeoutMicros(Int64Value.of(2000)).setNumBatchThreads(Int64Value.of(1)).build();
  }

  private static ServingServer serve(Path base, int threads) {
    return ServingServer.start(List.of(ServingConfigs.singleModel("trm", base.resolve("trm").toString())),
        new ServingServer.Options("127.0.0.1", 0, threads, 30_000, MAX_BODY, 0, null, 0, exportedBatching(),
            Sessions.config(), "serve"));
  }

  /** Which API the clients use. */
  private enum Api { REST, GRPC }

  /**
   * Serves {@code base} with {@code threads} request threads (and the gRPC API beside REST, as {@code trm serve}
   * does), then drives it over {@code api}; the gRPC message limit is the REST body limit, as in {@code trm serve}.
   */
  private static void serveAndDrive(Path base, int threads, Api api, ModelDims dims, String signature, int clients,
      Duration duration, int abusive, int slow, Duration slowPhase) throws Exception {
    try (ServingServer server = serve(base, threads);
        GrpcServer grpc = GrpcServer.start(server.predictor(), "127.0.0.1", 0, threads, MAX_BODY)) {
      if (api == Api.REST) {
        drive(server, new RestTransport(server.port(), "trm", signature, MAX_BODY), api, dims, clients, duration,
            abusive, slow, slowPhase);
      } else {
        try (GrpcTransport t = new GrpcTransport(grpc.port(), "trm", signature, dims.seqLen(), MAX_BODY)) {
          drive(server, t, api, dims, clients, duration, abusive, slow, slowPhase);
        }
      }
    }
  }

  /** The phases, checked; returns their figures (normal, abuse, without and with slow clients) and memory. */
  private static String drive(ServingServer server, LoadTransport t, Api api, ModelDims dims, int clients,
      Duration duration, int abusive, int slow, Duration slowPhase) throws Exception {
    RestClient status = new RestClient(server.port());
    int[][] one = LoadDriver.puzzles(0, 1, dims.seqLen(), dims.vocabSize());
    LoadDriver.closedLoop(t, 4, Duration.ofSeconds(2), i -> LoadDriver.puzzles(i, 1, dims.seqLen(),
        dims.vocabSize()));  // warm-up
    Figures load = LoadDriver.closedLoop(t, clients, duration,
        i -> LoadDriver.puzzles(i, 1, dims.seqLen(), dims.vocabSize()));
    System.out.println("load: " + load);
    assertWithMessage(load.toString()).that(load.count(Outcome.OK)).isEqualTo(load.requests());
    assertThat(status.get("/v1/models/trm").status()).isEqualTo(200);
    assertThat(t.predict(one)).isEqualTo(Outcome.OK);

    // Resident memory sampled every second through the abuse: bounded means it levels off, not that it stays put
    // (the JVM grows its heap towards -Xmx before it collects hard).
    List<Long> resident = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.ScheduledExecutorService sampler = java.util.concurrent.Executors.newScheduledThreadPool(1);
    Figures abuse;
    try {
      sampler.scheduleAtFixedRate(() -> resident.add(residentNow()), 0, 1, java.util.concurrent.TimeUnit.SECONDS);
      abuse = LoadDriver.abuse(t, 16, abusive);
    } finally {
      sampler.shutdownNow();
    }
    resident.add(residentNow());
    long peak = LoadDriver.residentMiB()[1];
    System.out.println("abuse: " + abuse + ", resident MiB " + resident);
    assertWithMessage(abuse.toString()).that(abuse.count(Outcome.REFUSED)).isEqualTo(abuse.requests());
    assertThat(status.get("/v1/models/trm").status()).isEqualTo(200);
    assertThat(t.predict(one)).isEqualTo(Outcome.OK);

    int normal = Math.min(8, clients);
    Figures quiet = LoadDriver.closedLoop(t, normal, slowPhase,
        i -> LoadDriver.puzzles(i, 1, dims.seqLen(), dims.vocabSize()));
    Figures withSlow;
    try (AutoCloseable stalled = LoadDriver.stallMany(t, slow, 500)) {
      Thread.sleep(500);
      withSlow = LoadDriver.closedLoop(t, normal, slowPhase,
          i -> LoadDriver.puzzles(i, 1, dims.seqLen(), dims.vocabSize()));
    }
    assertWithMessage(quiet.toString()).that(quiet.count(Outcome.OK)).isEqualTo(quiet.requests());
    assertWithMessage(withSlow.toString()).that(withSlow.count(Outcome.OK)).isEqualTo(withSlow.requests());
    // Slow clients hold connection threads, not model threads: the others keep their latency (loosely: the
    // machine is shared, so allow a factor of three and some milliseconds).
    assertThat(withSlow.p50Ms()).isLessThan(3 * quiet.p50Ms() + 50);
    String report = String.format("%s: load (%d clients): %s%nabuse (%d requests, 16 clients): %s; resident memory "
        + "(MiB) each second %s, process peak %d%n%d normal clients alone: %s%n%d normal clients with %d "
        + "slow: %s", api, clients, load, abusive, abuse, resident, peak, normal, quiet, normal, slow, withSlow);
    System.out.println(report);
    return report;
  }

  private static long residentNow() {
    try {
      return LoadDriver.residentMiB()[0];
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void shortRun() throws Exception {
    Path base = dir.resolve("models");
    TinyModel.export(base, "trm", 1, 7);
    serveAndDrive(base, 4, Api.REST, TinyModel.DIMS, "", 8, Duration.ofSeconds(2), 120, 5, Duration.ofSeconds(2));
  }

  @Test
  void shortRunOverGrpc() throws Exception {
    Path base = dir.resolve("models");
    TinyModel.export(base, "trm", 1, 7);
    serveAndDrive(base, 4, Api.GRPC, TinyModel.DIMS, "", 8, Duration.ofSeconds(2), 120, 5, Duration.ofSeconds(2));
  }

  @Test
  @Tag("slow")
  void figures() throws Exception {
    figures(Api.REST);
  }

  @Test
  @Tag("slow")
  void figuresOverGrpc() throws Exception {
    figures(Api.GRPC);
  }

  private void figures(Api api) throws Exception {
    // The default run's architecture (configs/sudoku6-cpu.pbtxt, 6x6 Sudoku) with random weights, asked through
    // fixed_steps: all 8 ACT steps per puzzle, the work the trained model does (its halting head runs every step).
    TrmConfig config = ConfigLoader.load(Path.of(System.getProperty("trm.repo"), "configs", "sudoku6-cpu.pbtxt"));
    ModelDims dims = new ModelDims(8, 36, 1);
    Path base = dir.resolve("models");
    SavedModelExporter.export(config, dims, TinyModel.randomWeights(config.getArch(), dims, 1), base, "trm", 1);
    serveAndDrive(base, 4 * Runtime.getRuntime().availableProcessors(), api, dims, "fixed_steps", 100,
        Duration.ofSeconds(60), 10_000, 20, Duration.ofSeconds(20));
  }
}
