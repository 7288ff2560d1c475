package dev.trm.training;

import dev.trm.datasets.DurableFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

/**
 * TensorBoard event files written by TF's own summary ops ({@code CreateSummaryFileWriter},
 * {@code WriteScalarSummary}, {@code FlushSummaryWriter}) in a tiny graph and session of their own, so the training
 * graph and its checkpoints stay free of them.
 *
 * <p>Each metric name gets its own write op the first time it is seen, so one session call writes all the scalars of
 * a step; the writer flushes at most every {@link #FLUSH_MILLIS} (and on close), keeping per-step cost negligible.
 * {@link #sync()} makes the events written so far durable, so a checkpoint's history survives a power loss.
 */
public final class TensorBoardWriter implements AutoCloseable {
  static final long FLUSH_MILLIS = 10_000;
  private final Path logDir;
  private final Graph graph = new Graph();
  private final Ops tf;
  private final Session session;
  private final SummaryWriter writer;
  private final Placeholder<TInt64> step;
  private final Map<String, Scalar> scalars = new HashMap<>();
  private final Op flush;
  private final Op close;
  private long lastFlush = System.currentTimeMillis();

  /** One metric's value feed and write op. */
  private record Scalar(Placeholder<TFloat32> value, Op write) {}

  /** Opens a writer of event files in {@code logDir} (created if missing). */
  public TensorBoardWriter(Path logDir) {
    this.logDir = logDir;
    DurableFiles.createDirectories(logDir);
    tf = Ops.create(graph);
    writer = tf.summary.summaryWriter(SummaryWriter.sharedName("trm_tensorboard"));
    step = tf.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
    Op create = tf.summary.createSummaryFileWriter(writer, tf.constant(logDir.toAbsolutePath().toString()),
        tf.constant(1000), tf.constant((int) FLUSH_MILLIS), tf.constant(".v2"));
    flush = tf.summary.flushSummaryWriter(writer);
    close = tf.summary.closeSummaryWriter(writer);
    session = new Session(graph);
    session.run(create);
  }

  /** Writes every metric as a scalar at {@code stepNumber}; non-finite values are written as they are. */
  public void write(long stepNumber, Map<String, Double> metrics) {
    List<TFloat32> values = new ArrayList<>(metrics.size());
    try (TInt64 s = TInt64.scalarOf(stepNumber)) {
      var runner = session.runner().feed(step, s);
      for (Map.Entry<String, Double> e : metrics.entrySet()) {
        Scalar scalar = scalars.computeIfAbsent(e.getKey(), this::newScalar);
        TFloat32 v = TFloat32.scalarOf(e.getValue().floatValue());
        values.add(v);
        runner.feed(scalar.value(), v).addTarget(scalar.write());
      }
      runner.run().close();
    } finally {
      values.forEach(TFloat32::close);
    }
    if (System.currentTimeMillis() - lastFlush >= FLUSH_MILLIS) {
      session.run(flush);
      lastFlush = System.currentTimeMillis();
    }
  }

  /** Flushes the event files and fsyncs them. */
  public void sync() {
    session.run(flush);
    lastFlush = System.currentTimeMillis();
    DurableFiles.syncTree(logDir);
  }

  private Scalar newScalar(String tag) {
    Placeholder<TFloat32> value = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    return new Scalar(value, tf.summary.writeScalarSummary(writer, step, tf.constant(tag), value));
  }

  @Override
  public void close() {
    session.run(flush);
    session.run(close);
    session.close();
    graph.close();
  }
}
