package dev.trm.serving;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/**
 * The server's metrics under TF Serving's names, in Prometheus text format ({@code --monitoring_config_file}).
 * TensorFlow names a metric {@code /tensorflow/serving/request_count}; its Prometheus exporter turns every '/' into
 * ':', so a dashboard built for TF Serving reads these unchanged:
 * <ul>
 *   <li>{@code :tensorflow:serving:request_count{model_name, status}}: requests by TensorFlow status code;
 *   <li>{@code :tensorflow:serving:request_latency{model_name, API, entrypoint}}: whole request, microseconds;
 *   <li>{@code :tensorflow:serving:runtime_latency{model_name, API, runtime}}: the Session.run alone (a batch's run
 *       is recorded once);
 *   <li>{@code :tensorflow:cc:saved_model:load_attempt_count{model_path, status}} and
 *       {@code :tensorflow:cc:saved_model:load_latency{model_path}}: SavedModel loads, as TensorFlow's loader counts
 *       them;
 *   <li>{@code :trm:serving:loaded_version{model_name, version}}: 1 per version that is AVAILABLE (trm's own name:
 *       TF Serving has no such gauge).
 * </ul>
 * Every method is thread-safe; the REST and gRPC front ends record through {@link #record} and
 * {@link #recordRuntime}.
 */
public final class ServingMetrics {
  /** The front end a request came through (TF Serving's {@code entrypoint} label). */
  public enum Entrypoint { REST, GRPC }

  /** TF Serving's latency buckets: 10 us growing by 1.8, 33 of them (about 20 minutes). */
  private static final double[] LATENCY_BOUNDS = exponential(10, 1.8, 33);

  private final PrometheusFamily requestCount = PrometheusFamily.counter(":tensorflow:serving:request_count",
      "The total number of requests.", "model_name", "status");
  private final PrometheusFamily requestLatency = PrometheusFamily.histogram(
      ":tensorflow:serving:request_latency",
      "Distribution of wall time (in microseconds) for Tensorflow Serving request.", LATENCY_BOUNDS,
      "model_name", "API", "entrypoint");
  private final PrometheusFamily runtimeLatency = PrometheusFamily.histogram(
      ":tensorflow:serving:runtime_latency",
      "Distribution of wall time (in microseconds) for Tensorflow runtime.", LATENCY_BOUNDS,
      "model_name", "API", "runtime");
  private final PrometheusFamily loadAttempts = PrometheusFamily.counter(
      ":tensorflow:cc:saved_model:load_attempt_count", "The number of times a SavedModel was loaded.",
      "model_path", "status");
  private final PrometheusFamily loadLatency = PrometheusFamily.counter(":tensorflow:cc:saved_model:load_latency",
      "Latency in microseconds for SavedModels that were successfully loaded.", "model_path");

  /**
   * One finished request: {@code api} as TF Serving names it ({@code Predict}, {@code GetModelMetadata},
   * {@code GetModelStatus}), {@code status} a TensorFlow status code name ({@code OK}, {@code INVALID_ARGUMENT}, ...).
   */
  public void record(String model, String api, Entrypoint entrypoint, String status, long latencyMicros) {
    requestCount.cell(model, status).add(1);
    requestLatency.cell(model, api, entrypoint.name()).observe(latencyMicros);
  }

  /** One Session.run of {@code model} (a whole batch counts once). */
  public void recordRuntime(String model, String api, long latencyMicros) {
    runtimeLatency.cell(model, api, "TF1").observe(latencyMicros);
  }

  /** One attempt to load the SavedModel at {@code path}. */
  void recordLoad(String path, boolean loaded, long latencyMicros) {
    loadAttempts.cell(path, loaded ? "success" : "fail").add(1);
    if (loaded) {
      loadLatency.cell(path).add(latencyMicros);
    }
  }

  /**
   * Every metric in Prometheus text exposition format 0.0.4; {@code availableVersions}: the AVAILABLE versions by
   * model name, as of now.
   */
  public void write(Writer out, Map<String, List<Long>> availableVersions) throws IOException {
    requestCount.write(out);
    requestLatency.write(out);
    runtimeLatency.write(out);
    loadAttempts.write(out);
    loadLatency.write(out);
    PrometheusFamily versions = PrometheusFamily.gauge(":trm:serving:loaded_version",
        "1 for every version of a model that is AVAILABLE.", "model_name", "version");
    availableVersions.forEach((model, list) -> list.forEach(v -> versions.cell(model, Long.toString(v)).add(1)));
    versions.write(out);
  }

  private static double[] exponential(double scale, double growth, int count) {
    double[] bounds = new double[count];
    for (int i = 0; i < count; i++) {
      bounds[i] = scale * Math.pow(growth, i);
    }
    return bounds;
  }
}
