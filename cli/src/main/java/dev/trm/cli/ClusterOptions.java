package dev.trm.cli;

import dev.trm.training.ClusterConfig;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The cluster of {@code trm worker} and {@code trm train}: TensorFlow's {@code TF_CONFIG} environment variable, or
 * the same facts as flags (which take precedence).
 */
final class ClusterOptions {
  @Option(names = "--chief", paramLabel = "HOST:PORT", description = "The chief's address (instead of TF_CONFIG).")
  String chief;

  @Option(names = "--workers", paramLabel = "HOST:PORT", split = ",",
      description = "The workers' addresses, comma-separated, by index (instead of TF_CONFIG).")
  List<String> workers = List.of();

  @Option(names = "--task", paramLabel = "TYPE:INDEX",
      description = "This process's task, chief:0 or worker:<i> (instead of TF_CONFIG).")
  String task;

  /** The cluster from the flags if any is given, else from {@code TF_CONFIG}, else null (no cluster). */
  ClusterConfig cluster() {
    if (chief == null && task == null && workers.isEmpty()) {
      String env = System.getenv(ClusterConfig.ENV);
      return env == null || env.isBlank() ? null : ClusterConfig.parse(env);
    }
    if (chief == null || task == null) {
      throw new IllegalArgumentException("--chief and --task go together (and --workers for a cluster with workers)");
    }
    int colon = task.lastIndexOf(':');
    if (colon <= 0 || !task.substring(colon + 1).matches("[0-9]+")) {
      throw new IllegalArgumentException("--task '" + task + "' is not TYPE:INDEX (chief:0 or worker:<i>)");
    }
    return new ClusterConfig(chief, workers, task.substring(0, colon), Integer.parseInt(task.substring(colon + 1)));
  }
}
