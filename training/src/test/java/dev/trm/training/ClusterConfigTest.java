package dev.trm.training;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ServerDef;

/** TF_CONFIG as TensorFlow writes it, and a one-line error naming the problem for a bad one. */
class ClusterConfigTest {
  private static final String CLUSTER =
      "\"cluster\": {\"chief\": [\"127.0.0.1:2220\"], \"worker\": [\"127.0.0.1:2221\", \"127.0.0.1:2222\"]}";

  @Test
  void parsesTheClusterAndThisTask() {
    ClusterConfig c = ClusterConfig.parse("{" + CLUSTER + ", \"task\": {\"type\": \"worker\", \"index\": 1}}");
    assertThat(c.isChief()).isFalse();
    assertThat(c.address()).isEqualTo("127.0.0.1:2222");
    assertThat(c.taskName()).isEqualTo("/job:worker/task:1");
    ServerDef def = c.serverDef();
    assertThat(def.getJobName()).isEqualTo("worker");
    assertThat(def.getTaskIndex()).isEqualTo(1);
    assertThat(def.getCluster().getJobList()).hasSize(2);
    assertThat(def.getCluster().getJob(1).getTasksMap()).containsEntry(0, "127.0.0.1:2221");
    Replicas replicas = ClusterConfig.parse("{" + CLUSTER + ", \"task\": {\"type\": \"chief\", \"index\": 0}}")
        .replicas(Duration.ofSeconds(90));
    assertThat(replicas.count()).isEqualTo(3);
    assertThat(replicas.device(0)).isEqualTo("/job:chief/replica:0/task:0/device:CPU:0");
    assertThat(replicas.device(2)).isEqualTo("/job:worker/replica:0/task:1/device:CPU:0");
  }

  @Test
  void badConfigsAreOneLineNamingTheProblem() {
    assertThat(error("{\"cluster\": ")).startsWith("TF_CONFIG: invalid JSON");
    assertThat(error("{\"cluster\": {\"worker\": [\"127.0.0.1:2221\"]}, \"task\": {\"type\": \"worker\", "
        + "\"index\": 0}}")).contains("cluster.chief must list exactly one address");
    assertThat(error("{" + CLUSTER + ", \"task\": {\"type\": \"worker\", \"index\": 2}}"))
        .contains("task index 2 is out of range: the cluster has 2 worker tasks");
    assertThat(error("{" + CLUSTER + ", \"task\": {\"type\": \"ps\", \"index\": 0}}"))
        .contains("task type 'ps' is neither chief nor worker");
    assertThat(error("{\"cluster\": {\"chief\": [\"localhost\"]}, \"task\": {\"type\": \"chief\", \"index\": 0}}"))
        .contains("the address of the chief 'localhost' is not host:port");
    assertThat(error("{" + CLUSTER + "}")).contains("task must have a \"type\"");
    for (String message : new String[] {error("{"), error("[]")}) {
      assertThat(message).doesNotContain("\n");
      assertThat(message).startsWith("TF_CONFIG: ");
    }
  }

  @Test
  void aPortInUseIsOneLineNamingTheTask() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String address = "127.0.0.1:" + taken.getLocalPort();
      ClusterConfig c = new ClusterConfig(address, List.of(), ClusterConfig.CHIEF, 0);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskServer.start(c));
      assertThat(e.getMessage()).contains("cannot start the TensorFlow server of /job:chief/task:0 at " + address);
      assertThat(e.getMessage()).doesNotContain("\n");
    }
  }

  private static String error(String json) {
    return assertThrows(IllegalArgumentException.class, () -> ClusterConfig.parse(json)).getMessage();
  }
}
