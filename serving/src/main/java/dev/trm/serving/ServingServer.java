package dev.trm.serving;

import com.sun.net.httpserver.HttpServer;
import dev.trm.serving.config.BatchingParameters;
import dev.trm.serving.config.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.tensorflow.proto.ConfigProto;

/**
 * A model server that speaks TF Serving's REST API (JDK HTTP server + {@link RestApi}), so clients written for
 * TF Serving work unchanged. Requests run on a fixed pool of {@link Options#threads} threads with a bounded queue
 * (a connection beyond it is closed by the JDK server rather than queued without bound); bodies are capped at
 * {@link Options#maxRequestBytes}; a background thread polls the model base paths (and the model config file) so
 * that new versions are picked up while running.
 */
public final class ServingServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ServingServer.class.getName());

  /**
   * @param bindAddress host to listen on ("0.0.0.0" = every interface, as TF Serving)
   * @param port REST port (0 = any free port)
   * @param threads request threads (TF Serving's --rest_api_num_threads)
   * @param timeoutMs per-request Session.run deadline (--rest_api_timeout_in_ms; 0 = none)
   * @param maxRequestBytes largest accepted request body
   * @param pollSeconds seconds between scans of the base paths (--file_system_poll_wait_seconds; 0 = never)
   * @param modelConfigFile re-read every {@code configPollSeconds} when both are set (else null / 0)
   * @param configPollSeconds --model_config_file_poll_wait_seconds
   * @param batching null = no batching (--enable_batching off)
   * @param sessionConfig the TensorFlow session options of every loaded model
   * @param tags the MetaGraph tags to load (--saved_model_tags, default "serve")
   */
  public record Options(String bindAddress, int port, int threads, long timeoutMs, int maxRequestBytes,
      int pollSeconds, Path modelConfigFile, int configPollSeconds, BatchingParameters batching,
      ConfigProto sessionConfig, String... tags) {}

  private final HttpServer http;
  private final ThreadPoolExecutor requests;
  private final ScheduledExecutorService poller;
  private final Predictor predictor;
  private final ModelManager manager;
  private final BatchScheduler batcher;

  private ServingServer(HttpServer http, ThreadPoolExecutor requests, ScheduledExecutorService poller,
      Predictor predictor, BatchScheduler batcher) {
    this.http = http;
    this.requests = requests;
    this.poller = poller;
    this.predictor = predictor;
    this.manager = predictor.manager();
    this.batcher = batcher;
  }

  /** Loads the models (one synchronous poll) and starts listening. */
  public static ServingServer start(List<ModelConfig> models, Options o) {
    for (ModelConfig m : models) {
      if (!java.nio.file.Files.isDirectory(Path.of(m.getBasePath()))) {
        throw new IllegalArgumentException("model '" + m.getName() + "': base path " + m.getBasePath()
            + " is not a directory");
      }
    }
    ModelManager manager = new ModelManager(models, o.sessionConfig(), o.tags());
    manager.poll();
    BatchScheduler batcher = o.batching() == null ? null : new BatchScheduler(o.batching());
    ThreadPoolExecutor requests = new ThreadPoolExecutor(o.threads(), o.threads(), 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(4 * o.threads()), daemon("rest"));
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(o.bindAddress(), o.port()), 256);
    } catch (IOException e) {
      manager.close();
      throw new UncheckedIOException("cannot listen on " + o.bindAddress() + ":" + o.port() + ": " + e.getMessage(), e);
    }
    Predictor predictor = new Predictor(manager, batcher, o.timeoutMs());
    http.createContext("/", new RestApi(predictor, o.maxRequestBytes()));
    http.setExecutor(requests);
    http.start();
    ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(daemon("model-poll"));
    if (o.pollSeconds() > 0) {
      poller.scheduleWithFixedDelay(manager::poll, o.pollSeconds(), o.pollSeconds(), TimeUnit.SECONDS);
    }
    if (o.modelConfigFile() != null && o.configPollSeconds() > 0) {
      poller.scheduleWithFixedDelay(() -> reloadConfig(manager, o.modelConfigFile()), o.configPollSeconds(),
          o.configPollSeconds(), TimeUnit.SECONDS);
    }
    return new ServingServer(http, requests, poller, predictor, batcher);
  }

  private static void reloadConfig(ModelManager manager, Path file) {
    try {
      manager.setConfig(ServingConfigs.readModelConfigFile(file));
      manager.poll();
    } catch (RuntimeException e) {
      // A half-edited config must not take the served models down: keep the previous one.
      LOG.warning("keeping the previous model config: " + e.getMessage());
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, "trm-serve-" + name);
      t.setDaemon(true);
      return t;
    };
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return http.getAddress().getPort();
  }

  /** The request path the REST API uses, for other APIs (gRPC) to share. */
  public Predictor predictor() {
    return predictor;
  }

  /** The models' manager (status and servables). */
  public ModelManager manager() {
    return manager;
  }

  @Override
  public void close() {
    http.stop(0);
    poller.shutdownNow();
    requests.shutdownNow();
    if (batcher != null) {
      batcher.close();
    }
    manager.close();
  }
}
