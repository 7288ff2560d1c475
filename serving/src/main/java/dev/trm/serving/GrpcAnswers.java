package dev.trm.serving;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers a unary gRPC call: the response, or the gRPC status of the failure. A {@link ServingException} keeps its
 * TF Serving code (gRPC and TensorFlow share the codes) and message; anything else is logged and answers INTERNAL
 * without Java's text. Every call is counted in the server's metrics, as the REST API's are.
 */
final class GrpcAnswers {
  private static final Logger LOG = Logger.getLogger(GrpcAnswers.class.getName());

  private final ServingMetrics metrics;

  GrpcAnswers(ServingMetrics metrics) {
    this.metrics = metrics;
  }

  /** Answers {@code method} of TF Serving's API on model {@code model} (empty when the request names none). */
  <T> void answer(String method, String model, StreamObserver<T> observer, Supplier<T> work) {
    long start = System.nanoTime();
    String status = "OK";
    try {
      T response;
      try {
        response = work.get();
      } catch (ServingException e) {
        status = e.code().statusName();
        observer.onError(status(e).asRuntimeException());
        return;
      } catch (RuntimeException e) {
        status = "INTERNAL";
        LOG.log(Level.WARNING, method + " failed", e);
        observer.onError(Status.INTERNAL.withDescription("Internal error in " + method + "; the server log has the "
            + "details").asRuntimeException());
        return;
      }
      observer.onNext(response);
      observer.onCompleted();
    } finally {
      metrics.record(model, method, ServingMetrics.Entrypoint.GRPC, status, (System.nanoTime() - start) / 1000);
    }
  }

  static Status status(ServingException e) {
    Status.Code code = e.code() == ServingException.Code.REQUEST_TOO_LARGE ? Status.Code.RESOURCE_EXHAUSTED
        : Status.Code.valueOf(e.code().name());
    return Status.fromCode(code).withDescription(e.getMessage());
  }
}
