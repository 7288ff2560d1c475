package dev.trm.model;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt32;

/**
 * The placeholders one batch enters a graph through, named as the official code names the arrays:
 * {@code inputs} int32 [B, S], {@code labels} int32 [B, S] and {@code puzzle_identifiers} int32 [B], created under
 * the scope of the {@link Ops} given. Training, evaluation and the benchmarks build a labelled set of a fixed batch
 * size; serving builds an {@link #unlabeled} set of any batch size. {@link #feed} feeds a batch to either.
 */
public final class BatchPlaceholders {
  private static final int ANY = -1;

  private final int batchSize;
  private final int seqLen;
  private final Placeholder<TInt32> inputs;
  private final Operand<TInt32> labels;
  private final boolean labeled;
  private final Placeholder<TInt32> puzzleIds;

  private BatchPlaceholders(Ops tf, int batchSize, int seqLen, boolean labeled) {
    this.batchSize = batchSize;
    this.seqLen = seqLen;
    this.labeled = labeled;
    Shape grid = Shape.of(batchSize, seqLen);
    inputs = tf.withName("inputs").placeholder(TInt32.class, Placeholder.shape(grid));
    labels = labeled
        ? tf.withName("labels").placeholder(TInt32.class, Placeholder.shape(grid))
        : tf.fill(tf.shape(inputs), tf.constant(Losses.IGNORE_LABEL));
    puzzleIds = tf.withName("puzzle_identifiers").placeholder(TInt32.class, Placeholder.shape(Shape.of(batchSize)));
  }

  private BatchPlaceholders(BatchPlaceholders original, Graph copy) {
    this.batchSize = original.batchSize;
    this.seqLen = original.seqLen;
    this.labeled = original.labeled;
    this.inputs = new Placeholder<>(copy.operationOrThrow(original.inputs.op().name()));
    this.labels = copy.operationOrThrow(original.labels.op().name()).output(0);
    this.puzzleIds = new Placeholder<>(copy.operationOrThrow(original.puzzleIds.op().name()));
  }

  /** Placeholders for batches of exactly {@code batchSize} rows of {@code seqLen} tokens, with their labels. */
  public static BatchPlaceholders create(Ops tf, int batchSize, int seqLen) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    return new BatchPlaceholders(tf, batchSize, seqLen, true);
  }

  /**
   * Placeholders for {@code inputs} and {@code puzzle_identifiers} of any batch size, for serving: there are no
   * labels, so {@link #labels} is "ignore" everywhere and nothing that reads it is served.
   */
  public static BatchPlaceholders unlabeled(Ops tf, int seqLen) {
    return new BatchPlaceholders(tf, ANY, seqLen, false);
  }

  /**
   * The same placeholders in {@code copy}, a copy of the graph this set was created in (an imported, rewritten
   * {@code GraphDef}), found by their op names.
   */
  public BatchPlaceholders in(Graph copy) {
    return new BatchPlaceholders(this, copy);
  }

  /** The batch as the examples an ACT step takes into its halted slots. */
  public ActStep.NewExamples examples() {
    return new ActStep.NewExamples(inputs, labels, puzzleIds);
  }

  public Placeholder<TInt32> inputs() {
    return inputs;
  }

  /** The labels placeholder, or for an {@link #unlabeled} set a tensor of "ignore" labels. */
  public Operand<TInt32> labels() {
    return labels;
  }

  public Placeholder<TInt32> puzzleIds() {
    return puzzleIds;
  }

  /**
   * Adds the feeds of {@code batch} to {@code runner} (an unlabeled set takes no labels).
   *
   * @throws IllegalArgumentException if the batch does not have these placeholders' shape
   */
  public Session.Runner feed(Session.Runner runner, BatchTensors batch) {
    int rows = batch.batch().batchSize();
    if (rows != batchSize && batchSize != ANY || batch.batch().seqLen() != seqLen) {
      throw new IllegalArgumentException("batch is [" + rows + ", " + batch.batch().seqLen()
          + "], the graph was built for [" + (batchSize == ANY ? "any" : batchSize) + ", " + seqLen + "]");
    }
    runner.feed(inputs, batch.inputs()).feed(puzzleIds, batch.puzzleIds());
    return labeled ? runner.feed(labels, batch.labels()) : runner;
  }
}
