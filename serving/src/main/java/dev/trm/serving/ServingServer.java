package dev.trm.serving;

import com.sun.net.httpserver.HttpServer;
import dev.trm.serving.config.BatchingParameters;
import dev.trm.serving.config.ModelConfig;
import dev.trm.serving.config.MonitoringConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tensorflow.proto.ConfigProto;

/**
 * A model server that speaks TF Serving's REST API (JDK HTTP server + {@link RestApi}), so clients written for
 * TF Serving work unchanged; a background thread polls the model base paths (and the model config file) so that new
 * versions are picked up while running.
 *
 * <p>How it holds up. Connections are served by a pool of {@link Options#threads} +
 * {@link Robustness#maxWaitingRequests} + {@value #SPARE_CONNECTION_THREADS} threads that read requests and write
 * answers; the JDK server closes a connection whose request is not read within the read deadline or whose answer is
 * not taken within the write deadline ({@link #useConnectionDeadlines}), so a stalled client holds a thread for a
 * bounded time and cannot starve the others. Model work (parsing a body, running the model) is admitted separately
 * ({@link Admission}): {@link Options#threads} at once, {@link Robustness#maxWaitingRequests} waiting (each holding
 * only its raw body), and beyond that a 503 JSON answer; connections beyond the pool wait unread in a queue of
 * {@value #QUEUED_CONNECTIONS}, and only past that does the JDK server close them. Bodies are capped at
 * {@link Options#maxRequestBytes}, rows at {@link Robustness#maxRequestRows} (at {@code max_batch_size} with
 * batching). {@link #close} lets requests in flight finish.
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

  /**
   * @param maxRequestRows the most rows (dimension 0) one request may carry without batching (with batching,
   *     {@code max_batch_size} is the cap, as in TF Serving)
   * @param maxWaitingRequests requests that may wait for a model thread; one more is refused with 503
   * @param loadRetries how failed model loads are retried (--max_num_load_retries, --load_retry_interval_micros)
   */
  public record Robustness(int maxRequestRows, int maxWaitingRequests, ModelManager.LoadRetries loadRetries) {
    /** 1024 rows; 128 waiting; TF Serving's load retries (5, 60 s apart). */
    public static final Robustness DEFAULTS =
        new Robustness(1024, 128, ModelManager.LoadRetries.TF_SERVING_DEFAULTS);

    public Robustness {
      if (maxRequestRows < 1 || maxWaitingRequests < 0) {
        throw new IllegalArgumentException("max request rows must be >= 1, max waiting requests >= 0");
      }
    }
  }

  /** Connection threads beyond those that run or wait: for slow clients, and to answer 503 when all are taken. */
  public static final int SPARE_CONNECTION_THREADS = 32;
  /** Connections accepted but not yet read, waiting for a connection thread. */
  public static final int QUEUED_CONNECTIONS = 1024;
  private static final String READ_DEADLINE = "sun.net.httpserver.maxReqTime";
  private static final String WRITE_DEADLINE = "sun.net.httpserver.maxRspTime";

  static {
    // Defaults unless set on the command line (-D) or by useConnectionDeadlines.
    if (System.getProperty(READ_DEADLINE) == null) {
      System.setProperty(READ_DEADLINE, "30");
    }
    if (System.getProperty(WRITE_DEADLINE) == null) {
      System.setProperty(WRITE_DEADLINE, "30");
    }
  }

  /**
   * Sets how long a connection may take to deliver a whole request (headers and body) and to take a whole answer,
   * in seconds (default 30 each); the connection is closed past either. The JDK server reads these once per JVM,
   * when its first server starts, so call this before {@link #start}.
   */
  public static void useConnectionDeadlines(int readSeconds, int writeSeconds) {
    if (readSeconds < 1 || writeSeconds < 1) {
      throw new IllegalArgumentException("connection deadlines must be at least 1 second");
    }
    System.setProperty(READ_DEADLINE, Integer.toString(readSeconds));
    System.setProperty(WRITE_DEADLINE, Integer.toString(writeSeconds));
  }

  private final HttpServer http;
  private final InFlight inFlight;
  private final ThreadPoolExecutor requests;
  private final ScheduledExecutorService poller;
  private final Predictor predictor;
  private final ModelManager manager;
  private final BatchScheduler batcher;
  private final ServingMetrics metrics;
  private final Duration grace;

  private ServingServer(HttpServer http, InFlight inFlight, ThreadPoolExecutor requests,
      ScheduledExecutorService poller, Predictor predictor, BatchScheduler batcher, ServingMetrics metrics,
      Duration grace) {
    this.http = http;
    this.inFlight = inFlight;
    this.requests = requests;
    this.poller = poller;
    this.predictor = predictor;
    this.manager = predictor.manager();
    this.batcher = batcher;
    this.metrics = metrics;
    this.grace = grace;
  }

  /** {@link #start(List, Options, Robustness, MonitoringConfig)} with the default robustness and no metrics page. */
  public static ServingServer start(List<ModelConfig> models, Options o) {
    return start(models, o, Robustness.DEFAULTS, MonitoringConfig.getDefaultInstance());
  }

  /**
   * Loads the models (one synchronous poll) and starts listening; with {@code prometheus_config.enable} the metrics
   * are served at its path on the REST port.
   */
  public static ServingServer start(List<ModelConfig> models, Options o, Robustness r, MonitoringConfig monitoring) {
    for (ModelConfig m : models) {
      if (!java.nio.file.Files.isDirectory(Path.of(m.getBasePath()))) {
        throw new IllegalArgumentException("model '" + m.getName() + "': base path " + m.getBasePath()
            + " is not a directory");
      }
    }
    ServingMetrics metrics = new ServingMetrics();
    ModelManager manager = new ModelManager(models, o.sessionConfig(), r.loadRetries(), metrics, o.tags());
    manager.poll();
    BatchScheduler batcher = o.batching() == null ? null : new BatchScheduler(o.batching());
    // Queued connections cost a socket each, nothing read yet; beyond the queue the JDK server closes them.
    int connectionThreads = o.threads() + r.maxWaitingRequests() + SPARE_CONNECTION_THREADS;
    ThreadPoolExecutor requests = new ThreadPoolExecutor(connectionThreads, connectionThreads, 0,
        TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUED_CONNECTIONS), daemon("rest"));
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(o.bindAddress(), o.port()), 256);
    } catch (IOException e) {
      manager.close();
      throw new UncheckedIOException("cannot listen on " + o.bindAddress() + ":" + o.port() + ": " + e.getMessage(), e);
    }
    Admission admission = new Admission(o.threads(), r.maxWaitingRequests());
    InFlight inFlight = new InFlight();
    Predictor predictor = new Predictor(manager, batcher, o.timeoutMs(), r.maxRequestRows(), admission, metrics);
    http.createContext("/", new RestApi(predictor, o.maxRequestBytes(), metrics)).getFilters().add(inFlight);
    if (monitoring.getPrometheusConfig().getEnable()) {
      String path = monitoring.getPrometheusConfig().getPath().isEmpty() ? ServingConfigs.DEFAULT_PROMETHEUS_PATH
          : monitoring.getPrometheusConfig().getPath();
      http.createContext(path, new PrometheusPage(metrics, manager)).getFilters().add(inFlight);
    }
    http.setExecutor(requests);
    http.start();
    ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(daemon("model-poll"));
    if (o.pollSeconds() > 0) {
      poller.scheduleWithFixedDelay(surviving("poll of the model base paths", manager::poll), o.pollSeconds(),
          o.pollSeconds(), TimeUnit.SECONDS);
    }
    if (o.modelConfigFile() != null && o.configPollSeconds() > 0) {
      poller.scheduleWithFixedDelay(surviving("reload of " + o.modelConfigFile(),
          () -> reloadConfig(manager, o.modelConfigFile())), o.configPollSeconds(), o.configPollSeconds(),
          TimeUnit.SECONDS);
    }
    // In-flight requests end within their deadline: wait that long (and a second) for them at close.
    Duration grace = Duration.ofMillis(o.timeoutMs() > 0 ? o.timeoutMs() + 1000 : 30_000);
    return new ServingServer(http, inFlight, requests, poller, predictor, batcher, metrics, grace);
  }

  /**
   * A periodic task that outlives its failures: a scheduled task that throws is never run again, so a poll that
   * fails once (a file vanishing mid-listing, a full disk) would otherwise end version polling for good.
   */
  static Runnable surviving(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        LOG.log(Level.WARNING, what + " failed; trying again at the next poll", e);
      }
    };
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

  /** The metrics this server records (the gRPC front end records into the same). */
  public ServingMetrics metrics() {
    return metrics;
  }

  /**
   * Lets the requests in flight finish (up to their deadline; a request arriving meanwhile gets a 503), stops
   * listening, then releases everything. What {@code trm serve} does on SIGTERM. Closing twice does nothing more.
   */
  @Override
  public void close() {
    try {
      inFlight.drain(grace);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    http.stop(0);
    poller.shutdownNow();
    requests.shutdownNow();
    if (batcher != null) {
      batcher.close();
    }
    manager.close();
  }
}
