package dev.trm.training;

import dev.trm.datasets.Batch;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt32;

/** A {@link Batch} as the three int32 tensors the graphs are fed: inputs [B, S], labels [B, S], puzzle ids [B]. */
final class BatchTensors implements AutoCloseable {
  private final TInt32 inputs;
  private final TInt32 labels;
  private final TInt32 puzzleIds;

  private BatchTensors(TInt32 inputs, TInt32 labels, TInt32 puzzleIds) {
    this.inputs = inputs;
    this.labels = labels;
    this.puzzleIds = puzzleIds;
  }

  static BatchTensors of(Batch b) {
    Shape grid = Shape.of(b.batchSize(), b.seqLen());
    return new BatchTensors(TInt32.tensorOf(grid, DataBuffers.of(b.inputs(), true, false)),
        TInt32.tensorOf(grid, DataBuffers.of(b.labels(), true, false)),
        TInt32.tensorOf(Shape.of(b.batchSize()), DataBuffers.of(b.puzzleIds(), true, false)));
  }

  /** Adds the three feeds to {@code runner}. */
  Session.Runner feed(Session.Runner runner, Placeholder<TInt32> in, Placeholder<TInt32> lab,
      Placeholder<TInt32> ids) {
    return runner.feed(in, inputs).feed(lab, labels).feed(ids, puzzleIds);
  }

  /** Adds the three feeds to {@code runner}, to the placeholders of those op names. */
  Session.Runner feed(Session.Runner runner, String in, String lab, String ids) {
    return runner.feed(in, inputs).feed(lab, labels).feed(ids, puzzleIds);
  }

  @Override
  public void close() {
    inputs.close();
    labels.close();
    puzzleIds.close();
  }
}
