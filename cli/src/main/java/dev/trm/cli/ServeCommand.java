package dev.trm.cli;

import dev.trm.serving.GrpcServer;
import dev.trm.serving.ModelManager;
import dev.trm.serving.ServingConfigs;
import dev.trm.serving.ServingServer;
import dev.trm.serving.config.BatchingParameters;
import dev.trm.serving.config.ModelConfig;
import dev.trm.serving.config.MonitoringConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.tensorflow.proto.ConfigProto;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trm serve}: SavedModels over TF Serving's REST API, with TF Serving's flag names so a deployment switches
 * between the two servers without rewriting its scripts.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve SavedModels over TF Serving's REST API (GET /v1/models/{name}[/versions/{v}|/labels/{l}]"
        + "[/metadata], POST ...:predict with 'instances' or 'inputs') and its gRPC API (PredictionService, "
        + "ModelService). Flags as tensorflow_model_server names them."})
public final class ServeCommand implements Callable<Integer> {
  @Option(names = "--rest_api_port", defaultValue = "8501", description = "REST port (default: ${DEFAULT-VALUE}).")
  int restApiPort;

  @Option(names = "--port", defaultValue = "8500", description = "gRPC port (tensorflow.serving.PredictionService "
      + "and ModelService; default: ${DEFAULT-VALUE}, as TF Serving; 0 = no gRPC).")
  int grpcPort;

  @Option(names = "--model_name", defaultValue = "default", description = "Name of the single model "
      + "(default: ${DEFAULT-VALUE}).")
  String modelName;

  @Option(names = "--model_base_path", paramLabel = "DIR",
      description = "Directory of numeric version subdirectories of the single model.")
  Path modelBasePath;

  @Option(names = "--model_config_file", paramLabel = "FILE",
      description = "A ModelServerConfig text file (several models, version policies, labels); "
          + "overrides --model_name/--model_base_path.")
  Path modelConfigFile;

  @Option(names = "--model_config_file_poll_wait_seconds", defaultValue = "0",
      description = "Re-read --model_config_file this often (0 = never).")
  int configPollSeconds;

  @Option(names = "--file_system_poll_wait_seconds", defaultValue = "1",
      description = "Look for new versions this often (default: ${DEFAULT-VALUE}; 0 = only at start).")
  int pollSeconds;

  @Option(names = "--enable_batching", arity = "0..1", fallbackValue = "true",
      description = "Batch concurrent requests into one Session.run.")
  boolean enableBatching;

  @Option(names = "--batching_parameters_file", paramLabel = "FILE",
      description = "BatchingParameters text file (trm export writes one); default parameters without it.")
  Path batchingParametersFile;

  @Option(names = "--rest_api_num_threads", defaultValue = "0",
      description = "Request threads (default 0: 4 per core, as TF Serving).")
  int threads;

  @Option(names = "--rest_api_timeout_in_ms", defaultValue = "30000",
      description = "Deadline of one request's model run (default: ${DEFAULT-VALUE}; 0 = none).")
  long timeoutMs;

  @Option(names = "--tensorflow_intra_op_parallelism", defaultValue = "0",
      description = "Threads per op (0 = TensorFlow's choice).")
  int intraOp;

  @Option(names = "--tensorflow_inter_op_parallelism", defaultValue = "1",
      description = "Ops run in parallel (default: ${DEFAULT-VALUE}: an ACT step is one long chain).")
  int interOp;

  @Option(names = "--saved_model_tags", defaultValue = "serve", description = "MetaGraph tags, comma-separated.")
  String tags;

  @Option(names = "--max_request_bytes", defaultValue = "4194304",
      description = "Largest request body accepted (trm serve only; default: ${DEFAULT-VALUE}, about 2000 "
          + "30x30 mazes). Bounds memory: a body is parsed into a tree about 20 times its size.")
  int maxRequestBytes;

  @Option(names = "--rest_api_host", defaultValue = "0.0.0.0",
      description = "Address the REST and gRPC APIs listen on (trm serve only; default: ${DEFAULT-VALUE}, as TF "
          + "Serving).")
  String host;

  @Option(names = "--monitoring_config_file", paramLabel = "FILE",
      description = "A MonitoringConfig text file; prometheus_config { enable: true path: "
          + "\"/monitoring/prometheus/metrics\" } serves Prometheus metrics (TF Serving's names) at that path on "
          + "the REST port.")
  Path monitoringConfigFile;

  @Option(names = "--max_num_load_retries", defaultValue = "5",
      description = "Times a failed model load is retried (default: ${DEFAULT-VALUE}, as TF Serving).")
  int maxNumLoadRetries;

  @Option(names = "--load_retry_interval_micros", defaultValue = "60000000",
      description = "Wait between load retries, in microseconds (default: ${DEFAULT-VALUE}, one minute, as TF "
          + "Serving).")
  long loadRetryIntervalMicros;

  @Option(names = "--max_request_rows", defaultValue = "1024",
      description = "Most rows (instances) one request may carry without batching (trm serve only; default: "
          + "${DEFAULT-VALUE}); with --enable_batching the batching parameters' max_batch_size is the cap.")
  int maxRequestRows;

  @Option(names = "--max_waiting_requests", defaultValue = "128",
      description = "Requests that may wait for a request thread; one more is answered 503 at once (trm serve "
          + "only; default: ${DEFAULT-VALUE}). Each waiting request holds its body: at most this x "
          + "--max_request_bytes.")
  int maxWaitingRequests;

  @Option(names = "--rest_api_read_deadline_seconds", defaultValue = "30",
      description = "A connection that has not delivered its whole request by then is closed (trm serve only; "
          + "default: ${DEFAULT-VALUE}).")
  int readDeadlineSeconds;

  @Option(names = "--rest_api_write_deadline_seconds", defaultValue = "30",
      description = "A connection that has not taken its whole answer by then is closed (trm serve only; "
          + "default: ${DEFAULT-VALUE}).")
  int writeDeadlineSeconds;

  @Override
  public Integer call() throws InterruptedException {
    ServingServer server = start();
    GrpcServer grpc = startGrpc(server);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (grpc != null) {
        grpc.close();
      }
      server.close();
      stopped.countDown();
    }));
    stopped.await();
    return 0;
  }

  /** The gRPC API on --port beside {@code server}'s REST API, sharing its request path; null with --port=0. */
  GrpcServer startGrpc(ServingServer server) {
    if (grpcPort == 0) {
      return null;
    }
    try {
      GrpcServer grpc = GrpcServer.start(server.predictor(), host, grpcPort, requestThreads(), maxRequestBytes);
      System.out.println("gRPC API on " + host + ":" + grpc.port() + " (tensorflow.serving.PredictionService, "
          + "ModelService)");
      return grpc;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private int requestThreads() {
    return threads > 0 ? threads : 4 * Runtime.getRuntime().availableProcessors();
  }

  /** Loads the models and starts listening, as the flags say. */
  ServingServer start() {
    List<ModelConfig> models;
    if (modelConfigFile != null) {
      models = ServingConfigs.readModelConfigFile(modelConfigFile);
    } else if (modelBasePath != null) {
      models = List.of(ServingConfigs.singleModel(modelName, modelBasePath.toString()));
    } else {
      throw new IllegalArgumentException("give --model_base_path=DIR (with --model_name) or --model_config_file=FILE");
    }
    for (ModelConfig m : models) {
      requireNotAVersionDirectory(Path.of(m.getBasePath()), modelConfigFile != null
          ? modelConfigFile + ": base_path of model '" + m.getName() + "'" : "--model_base_path");
    }
    BatchingParameters batching = null;
    if (enableBatching) {
      batching = batchingParametersFile != null ? ServingConfigs.readBatchingParameters(batchingParametersFile)
          : BatchingParameters.getDefaultInstance();
    } else if (batchingParametersFile != null) {
      System.err.println("trm serve: --batching_parameters_file ignored without --enable_batching");
    }
    ConfigProto session = ConfigProto.newBuilder().setIntraOpParallelismThreads(intraOp)
        .setInterOpParallelismThreads(interOp).build();
    MonitoringConfig monitoring = monitoringConfigFile != null
        ? ServingConfigs.readMonitoringConfig(monitoringConfigFile) : MonitoringConfig.getDefaultInstance();
    if (maxNumLoadRetries < 0 || loadRetryIntervalMicros < 0 || maxWaitingRequests < 0 || maxRequestRows < 1) {
      throw new IllegalArgumentException("--max_num_load_retries, --load_retry_interval_micros and "
          + "--max_waiting_requests must be >= 0, --max_request_rows >= 1");
    }
    ServingServer.useConnectionDeadlines(readDeadlineSeconds, writeDeadlineSeconds);
    ModelManager.LoadRetries retries =
        new ModelManager.LoadRetries(maxNumLoadRetries, Duration.ofNanos(loadRetryIntervalMicros * 1000));
    ServingServer server = ServingServer.start(models, new ServingServer.Options(host, restApiPort, requestThreads(),
        timeoutMs, maxRequestBytes, pollSeconds, modelConfigFile, configPollSeconds, batching, session,
        tags.split(",")), new ServingServer.Robustness(maxRequestRows, maxWaitingRequests, retries), monitoring);
    for (ModelConfig m : models) {
      System.out.println("serving model '" + m.getName() + "' from " + m.getBasePath());
    }
    System.out.println("REST API on http://" + host + ":" + server.port() + "/v1/models/<name>"
        + (batching != null ? " (batching on)" : ""));
    if (monitoring.getPrometheusConfig().getEnable()) {
      System.out.println("Prometheus metrics on http://" + host + ":" + server.port()
          + monitoring.getPrometheusConfig().getPath());
    }
    return server;
  }

  /**
   * A base path holds numbered version directories; given one of those instead, the server would find no version and
   * answer every request 404, so this refuses it at start.
   */
  private static void requireNotAVersionDirectory(Path basePath, String what) {
    if (Files.exists(basePath.resolve("saved_model.pb")) || Files.exists(basePath.resolve("saved_model.pbtxt"))) {
      Path parent = basePath.toAbsolutePath().normalize().getParent();
      throw new IllegalArgumentException(what + " " + basePath + " is a SavedModel version directory (it holds "
          + "saved_model.pb); give the directory of the numbered versions instead: " + parent);
    }
  }
}
