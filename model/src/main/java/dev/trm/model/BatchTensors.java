package dev.trm.model;

import dev.trm.datasets.Batch;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TInt32;

/**
 * A {@link Batch} as the three int32 tensors a graph is fed through {@link BatchPlaceholders}: inputs [B, S],
 * labels [B, S], puzzle identifiers [B]. Close it after the runs that use it.
 */
public final class BatchTensors implements AutoCloseable {
  private final Batch batch;
  private final TInt32 inputs;
  private final TInt32 labels;
  private final TInt32 puzzleIds;

  private BatchTensors(Batch b) {
    Shape grid = Shape.of(b.batchSize(), b.seqLen());
    this.batch = b;
    this.inputs = TInt32.tensorOf(grid, DataBuffers.of(b.inputs(), true, false));
    this.labels = TInt32.tensorOf(grid, DataBuffers.of(b.labels(), true, false));
    this.puzzleIds = TInt32.tensorOf(Shape.of(b.batchSize()), DataBuffers.of(b.puzzleIds(), true, false));
  }

  /** Copies {@code batch} into tensors. */
  public static BatchTensors of(Batch batch) {
    return new BatchTensors(batch);
  }

  /** The batch these tensors hold. */
  public Batch batch() {
    return batch;
  }

  TInt32 inputs() {
    return inputs;
  }

  TInt32 labels() {
    return labels;
  }

  TInt32 puzzleIds() {
    return puzzleIds;
  }

  @Override
  public void close() {
    inputs.close();
    labels.close();
    puzzleIds.close();
  }
}
