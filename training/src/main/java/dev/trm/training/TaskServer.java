package dev.trm.training;

import org.tensorflow.Server;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * The TensorFlow server ({@code org.tensorflow.Server}, gRPC) of one task of a {@link ClusterConfig}: a worker
 * serves its devices to the chief's session until the process ends; the chief runs one for its own devices and as
 * the target of its session.
 */
public final class TaskServer implements AutoCloseable {
  private final Server server;
  private final ClusterConfig cluster;

  private TaskServer(Server server, ClusterConfig cluster) {
    this.server = server;
    this.cluster = cluster;
  }

  /**
   * Starts the server of {@code cluster}'s task.
   *
   * @throws IllegalArgumentException naming the task and its address if the server cannot start (port in use,
   *     address not of this host)
   */
  public static TaskServer start(ClusterConfig cluster) {
    try {
      Server server = new Server(cluster.serverDef());
      server.start();
      return new TaskServer(server, cluster);
    } catch (TensorFlowException e) {
      throw new IllegalArgumentException("cannot start the TensorFlow server of " + cluster.taskName() + " at "
          + cluster.address() + " (port in use, or not an address of this host): "
          + VariableSaver.firstLine(e.getMessage()));
    }
  }

  /** The task's address as a session target. */
  public String target() {
    return "grpc://" + cluster.address();
  }

  /** Blocks until the server ends (for a worker: until the process is killed). */
  public void join() {
    server.join();
  }

  /**
   * Stops the server if TensorFlow can. Its gRPC server cannot (it answers "clean shutdown is not currently
   * implemented"), so in practice the server, and its port, end with the process.
   */
  @Override
  public void close() {
    try {
      server.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (UnsupportedOperationException e) {
      // no clean shutdown: see above
    }
  }
}
