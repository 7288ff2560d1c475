package dev.trm.serving;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The one predict path that the REST and gRPC APIs share: the model and version lookup (by number, label or the
 * newest), the signature the request names, then batching ({@code --enable_batching}) or a direct run under the
 * request deadline. Every failure is a {@link ServingException} carrying TF Serving's status code, which each API
 * maps to its own status (HTTP or gRPC).
 */
public final class Predictor {
  /** A decoded request: the signature it resolved and its inputs by alias. */
  public interface Call {
    SignatureInfo signature();

    Map<String, HostTensor> inputs();
  }

  /** The answer to a call: the call, the version that ran it and every output of its signature by alias. */
  public record Prediction<T extends Call>(T call, long version, Map<String, HostTensor> outputs) {}

  private final ModelManager manager;
  private final BatchScheduler batcher;
  private final long timeoutMs;
  private final int maxRequestRows;
  private final Admission admission;
  private final ServingMetrics metrics;

  /**
   * {@code batcher} may be null (no batching: then {@code maxRequestRows} caps a request's rows; with batching
   * {@code max_batch_size} does); {@code timeoutMs} 0 = no deadline; {@code admission} bounds the predicts that run
   * and wait at once; the model's own run time goes to {@code metrics}.
   */
  Predictor(ModelManager manager, BatchScheduler batcher, long timeoutMs, int maxRequestRows, Admission admission,
      ServingMetrics metrics) {
    this.manager = manager;
    this.batcher = batcher;
    this.timeoutMs = timeoutMs;
    this.maxRequestRows = maxRequestRows;
    this.admission = admission;
    this.metrics = metrics;
  }

  public ModelManager manager() {
    return manager;
  }

  /** Where both APIs count their requests. */
  ServingMetrics metrics() {
    return metrics;
  }

  /**
   * Runs a request on model {@code name}: {@code version} or {@code label} (at most one non-null) pick the version,
   * else the newest; {@code decode} turns the request into a call against that version's signatures.
   */
  public <T extends Call> Prediction<T> predict(String name, Long version, String label, Function<Servable, T> decode) {
    try (Admission.Turn turn = admission.enter(timeoutMs)) {
      Servable servable = manager.acquire(name, version, label);
      try {
        T call = decode.apply(servable);
        SignatureInfo sig = call.signature();
        BatchScheduler.Runner runner = in -> {
          long start = System.nanoTime();
          Map<String, HostTensor> out = servable.run(sig, in, timeoutMs);
          metrics.recordRuntime(name, "Predict", (System.nanoTime() - start) / 1000);
          return out;
        };
        Map<String, HostTensor> outputs;
        if (batcher != null) {
          Servable.checkInputs(sig, call.inputs());
          outputs = batcher.run(List.of(servable, sig), call.inputs(), runner, timeoutMs);
        } else {
          BatchScheduler.checkTaskSize(BatchScheduler.commonRows(call.inputs()), maxRequestRows);
          outputs = runner.run(call.inputs());
        }
        return new Prediction<>(call, servable.version(), outputs);
      } finally {
        servable.release();
      }
    }
  }

  /** The version {@code label} names for model {@code name}, if that version is loaded; else TF Serving's error. */
  public long labelledVersion(String name, String label) {
    Servable s = manager.acquire(name, null, label);
    try {
      return s.version();
    } finally {
      s.release();
    }
  }
}
