package dev.trm.training;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Watches the tasks of a cluster from the chief: every few seconds it tries to connect to each worker's server, and
 * reports the tasks that refuse. TensorFlow's session notices a dead worker only when the step's timeout runs out
 * (it keeps retrying the connection), so a killed worker is found here within one interval instead.
 */
public final class TaskWatch {
  private TaskWatch() {}

  /**
   * Starts a daemon thread that checks {@code replicas}' tasks every {@code interval} and calls {@code onLost} once
   * with a one-line message naming the tasks that stopped answering.
   */
  public static void start(Replicas replicas, Duration interval, Consumer<String> onLost) {
    Thread watch = new Thread(() -> {
      while (true) {
        try {
          Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
          return;
        }
        List<String> lost = replicas.unreachableTasks();
        if (!lost.isEmpty()) {
          onLost.accept("lost " + String.join(", ", lost) + ": training stopped; the last checkpoint is intact, "
              + "restart the task and resume with --resume");
          return;
        }
      }
    }, "trm-task-watch");
    watch.setDaemon(true);
    watch.start();
  }
}
