package dev.trm.serving;

/**
 * How {@link LoadDriver} talks to a server: over REST ({@link RestTransport}) or gRPC ({@link GrpcTransport}); both
 * implement these three calls, so the same phases give the same figures.
 */
interface LoadTransport {
  /** What became of one request. */
  enum Outcome {
    OK,
    /** A 4xx / INVALID_ARGUMENT-like refusal: the server judged the request bad. */
    REFUSED,
    /** 503 / UNAVAILABLE: the server shed load, and said so. */
    OVERLOADED,
    /** Any other server-side failure (5xx, INTERNAL, DEADLINE_EXCEEDED). */
    FAILED,
    /** No answer at all: connection reset, closed or timed out. */
    LOST
  }

  /**
   * Kinds of abuse a transport can send, each in its protocol's terms (JSON nesting or protobuf groups, a cut body
   * or message, ...); WRONG_SHAPE is rows of the wrong length, UNKNOWN_NAME an unknown model or signature.
   */
  enum Abuse { DEEP_NESTING, TRUNCATED, WRONG_TYPES, WRONG_SHAPE, UNKNOWN_NAME, TOO_MANY_ROWS, OVERSIZED, GARBAGE }

  /** One predict of {@code puzzles} (rows of token ids) with puzzle id 0 each. */
  Outcome predict(int[][] puzzles);

  /** One malformed or oversized request of this kind; {@code seed} varies it. */
  Outcome abuse(Abuse kind, long seed);

  /**
   * Opens a connection that sends the start of a request and never finishes it (over REST it trickles a byte every
   * {@code intervalMs}); closing it lets go.
   */
  AutoCloseable stall(long intervalMs);
}
