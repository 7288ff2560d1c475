package dev.trm.cli;

import dev.trm.training.ClusterConfig;
import dev.trm.training.TaskServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code trm worker}: serves one worker task of a training cluster until killed. */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = {"Start the TensorFlow server of one worker task of a training cluster and serve until killed. "
        + "The cluster comes from TF_CONFIG ({\"cluster\": {\"chief\": [\"host:port\"], \"worker\": [...]}, "
        + "\"task\": {\"type\": \"worker\", \"index\": i}}) or from --chief/--workers/--task. "
        + "`trm train` on the chief (same cluster, task chief:0) then trains over every task."})
public final class WorkerCommand implements Callable<Integer> {
  @Mixin ClusterOptions options = new ClusterOptions();

  @Override
  public Integer call() {
    ClusterConfig cluster = options.cluster();
    if (cluster == null) {
      throw new IllegalArgumentException("no cluster: set " + ClusterConfig.ENV + " or give --chief, --workers and "
          + "--task");
    }
    if (cluster.isChief()) {
      throw new IllegalArgumentException("task " + cluster.taskName() + " is the chief: run `trm train` there");
    }
    TaskServer server = TaskServer.start(cluster);
    System.out.println("trm worker: serving " + cluster.taskName() + " at " + server.target() + " (chief "
        + cluster.chief() + ", " + cluster.workers().size() + " workers); stop it with Ctrl-C");
    System.out.flush();
    server.join();
    return 0;
  }
}
