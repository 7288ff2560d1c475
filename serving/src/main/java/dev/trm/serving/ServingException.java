package dev.trm.serving;

import org.tensorflow.exceptions.TFFailedPreconditionException;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.exceptions.TFResourceExhaustedException;
import org.tensorflow.exceptions.TFUnimplementedException;

/**
 * A request that failed, with the TensorFlow status code TF Serving would return; {@link Code#httpStatus} is the
 * HTTP status TF Serving's REST layer maps that code to ({@code http_server.cc}).
 */
public final class ServingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** TensorFlow status codes that this server produces, with TF Serving's HTTP mapping. */
  public enum Code {
    INVALID_ARGUMENT(400),
    NOT_FOUND(404),
    FAILED_PRECONDITION(400),
    OUT_OF_RANGE(400),
    RESOURCE_EXHAUSTED(429),
    DEADLINE_EXCEEDED(504),
    UNIMPLEMENTED(501),
    UNAVAILABLE(503),
    INTERNAL(500),
    /** Not a TensorFlow code: a body over trm serve's --max_request_bytes (TF Serving has no limit). */
    REQUEST_TOO_LARGE(413);

    public final int httpStatus;

    Code(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    /** The TensorFlow status code name (metrics, gRPC): a body over the limit is RESOURCE_EXHAUSTED, as in gRPC. */
    public String statusName() {
      return this == REQUEST_TOO_LARGE ? "RESOURCE_EXHAUSTED" : name();
    }
  }

  private final Code code;

  public ServingException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public Code code() {
    return code;
  }

  public static ServingException invalidArgument(String message) {
    return new ServingException(Code.INVALID_ARGUMENT, message);
  }

  public static ServingException notFound(String message) {
    return new ServingException(Code.NOT_FOUND, message);
  }

  /** A failure of the server itself: the client learns that much; the details go to the server's log. */
  public static ServingException internal() {
    return new ServingException(Code.INTERNAL, "Internal: the server failed on this request (details in its log)");
  }

  /**
   * The status a TensorFlow runtime error maps to: bad inputs are the client's fault, the rest are internal.
   * ({@link TFInvalidArgumentException} and {@link TFUnimplementedException} are not TensorFlowExceptions.)
   */
  public static ServingException fromTensorFlow(RuntimeException e) {
    Code code = e instanceof TFInvalidArgumentException ? Code.INVALID_ARGUMENT
        : e instanceof TFOutOfRangeException ? Code.OUT_OF_RANGE
        : e instanceof TFFailedPreconditionException ? Code.FAILED_PRECONDITION
        : e instanceof TFResourceExhaustedException ? Code.RESOURCE_EXHAUSTED
        : e instanceof TFUnimplementedException ? Code.UNIMPLEMENTED
        : Code.INTERNAL;
    return new ServingException(code, e.getMessage());
  }
}
