package dev.trm.training;

import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.summary.SummaryWriter;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * TensorBoard event files written by TF's own summary ops ({@code CreateSummaryFileWriter},
 * {@code WriteScalarSummary}, {@code FlushSummaryWriter}) in a tiny graph and session of their own, so the training
 * graph and its checkpoints stay free of them.
 */
public final class TensorBoardWriter implements AutoCloseable {
  private final Graph graph = new Graph();
  private final Session session;
  private final Placeholder<TString> tag;
  private final Placeholder<TFloat32> value;
  private final Placeholder<TInt64> step;
  private final Op write;
  private final Op flush;
  private final Op close;

  /** Opens a writer of event files in {@code logDir} (created if missing). */
  public TensorBoardWriter(Path logDir) {
    Ops tf = Ops.create(graph);
    SummaryWriter writer = tf.summary.summaryWriter(SummaryWriter.sharedName("trm_tensorboard"));
    tag = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
    value = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    step = tf.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
    Op create = tf.summary.createSummaryFileWriter(writer, tf.constant(logDir.toAbsolutePath().toString()),
        tf.constant(100), tf.constant(10_000), tf.constant(".v2"));
    write = tf.summary.writeScalarSummary(writer, step, tag, value);
    flush = tf.summary.flushSummaryWriter(writer);
    close = tf.summary.closeSummaryWriter(writer);
    session = new Session(graph);
    session.run(create);
  }

  /** Writes every metric as a scalar at {@code stepNumber}; non-finite values are written as they are. */
  public void write(long stepNumber, Map<String, Double> metrics) {
    try (TInt64 s = TInt64.scalarOf(stepNumber)) {
      for (Map.Entry<String, Double> e : metrics.entrySet()) {
        try (TString t = TString.scalarOf(e.getKey()); TFloat32 v = TFloat32.scalarOf(e.getValue().floatValue())) {
          session.runner().feed(tag, t).feed(value, v).feed(step, s).addTarget(write).run().close();
        }
      }
    }
    session.run(flush);
  }

  @Override
  public void close() {
    session.run(close);
    session.close();
    graph.close();
  }
}
