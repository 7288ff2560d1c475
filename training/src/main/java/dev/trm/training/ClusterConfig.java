package dev.trm.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.ClusterDef;
import org.tensorflow.proto.JobDef;
import org.tensorflow.proto.ServerDef;

/**
 * A training cluster as TensorFlow's standard {@code TF_CONFIG} describes it, and this process's task in it:
 * {@code {"cluster": {"chief": ["host:port"], "worker": ["host:port", ...]}, "task": {"type": "worker", "index": 1}}}.
 *
 * <p>Exactly one chief; zero or more workers. Replica 0 runs on the chief (which also holds the weights, runs the
 * optimizer and writes every output), replica 1 + i on worker i.
 *
 * @param chief the chief's {@code host:port}
 * @param workers the workers' {@code host:port}, by index
 * @param taskType {@code chief} or {@code worker}
 * @param taskIndex this task's index within its type
 */
public record ClusterConfig(String chief, List<String> workers, String taskType, int taskIndex) {
  /** The environment variable TensorFlow reads the cluster from. */
  public static final String ENV = "TF_CONFIG";
  public static final String CHIEF = "chief";
  public static final String WORKER = "worker";

  /**
   * Checks the cluster.
   *
   * @throws IllegalArgumentException naming the bad part
   */
  public ClusterConfig {
    workers = List.copyOf(workers);
    checkAddress("the chief", chief);
    for (int i = 0; i < workers.size(); i++) {
      checkAddress("worker " + i, workers.get(i));
    }
    int tasks = switch (taskType) {
      case CHIEF -> 1;
      case WORKER -> workers.size();
      default -> throw new IllegalArgumentException("task type '" + taskType + "' is neither chief nor worker");
    };
    if (taskIndex < 0 || taskIndex >= tasks) {
      throw new IllegalArgumentException("task index " + taskIndex + " is out of range: the cluster has " + tasks
          + " " + taskType + " task" + (tasks == 1 ? "" : "s"));
    }
  }

  /**
   * Parses a {@code TF_CONFIG} value.
   *
   * @throws IllegalArgumentException with a one-line message starting {@code TF_CONFIG:}
   */
  public static ClusterConfig parse(String json) {
    try {
      JsonNode root = new ObjectMapper().readTree(json);
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException("not a JSON object");
      }
      JsonNode cluster = root.path("cluster");
      List<String> chiefs = addresses(cluster, CHIEF);
      if (chiefs.size() != 1) {
        throw new IllegalArgumentException("cluster.chief must list exactly one address, it lists " + chiefs.size());
      }
      JsonNode task = root.path("task");
      if (!task.path("type").isTextual() || !task.path("index").canConvertToInt()) {
        throw new IllegalArgumentException("task must have a \"type\" (chief or worker) and an integer \"index\"");
      }
      return new ClusterConfig(chiefs.get(0), addresses(cluster, WORKER), task.path("type").asText(),
          task.path("index").asInt());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(ENV + ": invalid JSON: " + e.getOriginalMessage());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(ENV + ": " + e.getMessage());
    }
  }

  /** Whether this process is the chief. */
  public boolean isChief() {
    return taskType.equals(CHIEF);
  }

  /** This task's {@code host:port}. */
  public String address() {
    return isChief() ? chief : workers.get(taskIndex);
  }

  /** The task as TensorFlow names its job and index, e.g. {@code /job:worker/task:1}. */
  public String taskName() {
    return "/job:" + taskType + "/task:" + taskIndex;
  }

  /** The server definition of this task: the whole cluster, this task's job and index, gRPC. */
  public ServerDef serverDef() {
    ClusterDef.Builder cluster = ClusterDef.newBuilder()
        .addJob(JobDef.newBuilder().setName(CHIEF).putTasks(0, chief));
    if (!workers.isEmpty()) {
      JobDef.Builder job = JobDef.newBuilder().setName(WORKER);
      for (int i = 0; i < workers.size(); i++) {
        job.putTasks(i, workers.get(i));
      }
      cluster.addJob(job);
    }
    return ServerDef.newBuilder().setCluster(cluster).setJobName(taskType).setTaskIndex(taskIndex)
        .setProtocol("grpc").build();
  }

  /**
   * One replica per task: the chief's CPU, then each worker's. A training step fails when a task does not answer
   * within {@code timeout} (joining the cluster and the first step get five times as long).
   */
  public Replicas replicas(Duration timeout) {
    List<String> devices = new ArrayList<>();
    Map<String, String> addresses = new LinkedHashMap<>();
    devices.add("/job:" + CHIEF + "/replica:0/task:0/device:CPU:0");
    for (int i = 0; i < workers.size(); i++) {
      devices.add("/job:" + WORKER + "/replica:0/task:" + i + "/device:CPU:0");
      addresses.put("/job:" + WORKER + "/task:" + i, workers.get(i));
    }
    return Replicas.onCluster(devices, "grpc://" + chief, timeout, addresses);
  }

  private static List<String> addresses(JsonNode cluster, String job) {
    JsonNode list = cluster.path(job);
    List<String> out = new ArrayList<>();
    if (list.isMissingNode()) {
      return out;
    }
    if (!list.isArray()) {
      throw new IllegalArgumentException("cluster." + job + " must be a list of \"host:port\" strings");
    }
    list.forEach(node -> out.add(node.asText()));
    return out;
  }

  private static void checkAddress(String what, String address) {
    int colon = address == null ? -1 : address.lastIndexOf(':');
    if (colon <= 0 || !address.substring(colon + 1).matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException("the address of " + what + " '" + address + "' is not host:port");
    }
  }
}
