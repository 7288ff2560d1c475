package dev.trm.training;

/** A checkpoint that cannot be used (missing, truncated, altered, foreign or incompatible), with the reason. */
public final class CheckpointException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
