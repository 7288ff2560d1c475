package dev.trm.training;

/** The loss or the gradient became NaN or infinite; the run stopped and its checkpoints on disk are untouched. */
public final class TrainingDivergedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(String message) {
    super(message);
  }
}
