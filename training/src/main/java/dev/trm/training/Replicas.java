package dev.trm.training;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.TargetedSessions;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.RunOptions;

/**
 * Where the replicas of a data-parallel training step run: one device name per replica, replica 0 being the chief
 * (it also holds the weights, the optimizer and the EMA).
 *
 * <p>The training graph is replicated in-graph: each replica builds its own tower (ACT step, loss, gradients, carry)
 * under the name scope {@code replica_<r>/}, and {@link #place} pins every op of that scope to the replica's device.
 * The pinning is a rewrite of the built graph because TensorFlow adds the gradient ops without a device: left alone,
 * the whole backward pass would run on the chief.
 */
public final class Replicas {
  private static final String SCOPE_PREFIX = "replica_";
  /** Joining the cluster and the first step may take this many cluster timeouts. */
  private static final int STARTUP_TIMEOUTS = 5;
  private static final int PROBE_MILLIS = 2000;

  private final List<String> devices;
  private final int virtualCpus;
  private final String target;
  private final Duration timeout;
  private final Map<String, String> taskAddresses;

  private Replicas(List<String> devices, int virtualCpus, String target, Duration timeout,
      Map<String, String> taskAddresses) {
    this.devices = List.copyOf(devices);
    this.virtualCpus = virtualCpus;
    this.target = target;
    this.timeout = timeout;
    this.taskAddresses = Map.copyOf(taskAddresses);
  }

  /** One replica on the session's default device: the unreplicated graph. */
  public static Replicas single() {
    return new Replicas(List.of(""), 0, "", Duration.ZERO, Map.of());
  }

  /**
   * {@code n} replicas on the CPU devices {@code /device:CPU:0..n-1} of this process. The session is given
   * {@code n} CPU devices ({@code device_count}); they share the process's thread pools, so this tests the
   * replication on one machine rather than speeding it up.
   */
  public static Replicas virtualCpus(int n) {
    requirePositive(n);
    return new Replicas(IntStream.range(0, n).mapToObj(i -> "/device:CPU:" + i).toList(), n, "", Duration.ZERO, Map.of());
  }

  /** {@code n} replicas on the GPUs {@code /device:GPU:0..n-1} of this process (the {@code gpu} profile). */
  public static Replicas gpus(int n) {
    requirePositive(n);
    return new Replicas(IntStream.range(0, n).mapToObj(i -> "/device:GPU:" + i).toList(), 0, "", Duration.ZERO, Map.of());
  }

  /**
   * One replica per device of a TensorFlow cluster, the first being the chief's; the session runs on the server at
   * {@code target} ({@code grpc://host:port}, the chief's own) and gives up on a task after {@code timeout}.
   *
   * @param taskAddresses {@code host:port} by task name ({@code /job:worker/task:1}), to name a lost task
   */
  static Replicas onCluster(List<String> devices, String target, Duration timeout,
      Map<String, String> taskAddresses) {
    requirePositive(devices.size());
    return new Replicas(devices, 0, target, timeout, taskAddresses);
  }

  /** How many replicas. */
  public int count() {
    return devices.size();
  }

  /** Whether this is the unreplicated single-device graph. */
  public boolean isSingle() {
    return devices.size() == 1;
  }

  /**
   * The options of a training step after the first: on a cluster, the step fails after the cluster timeout (a
   * silent task); in process, no options.
   */
  RunOptions stepOptions() {
    return isLocal() ? RunOptions.getDefaultInstance()
        : RunOptions.newBuilder().setTimeoutInMs(timeout.toMillis()).build();
  }

  /**
   * The tasks whose server does not accept a connection now, e.g. {@code /job:worker/task:1 (127.0.0.1:2222)}:
   * after a failed step, the task that was lost.
   */
  public List<String> unreachableTasks() {
    List<String> lost = new ArrayList<>();
    taskAddresses.forEach((task, address) -> {
      int colon = address.lastIndexOf(':');
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(address.substring(0, colon),
            Integer.parseInt(address.substring(colon + 1))), PROBE_MILLIS);
      } catch (IOException e) {
        lost.add(task + " (" + address + ")");
      }
    });
    lost.sort(null);
    return lost;
  }

  /** Whether every replica is in this process (no cluster). */
  public boolean isLocal() {
    return target.isEmpty();
  }

  /** The device of replica {@code r} ({@code ""} = the session's default). */
  public String device(int r) {
    return devices.get(r);
  }

  /** The name scope of replica {@code r}'s tower. */
  static String scope(int r) {
    return SCOPE_PREFIX + r;
  }

  /** {@code opName} without its replica scope, if it has one. */
  static String withoutScope(String opName) {
    return opName.replaceFirst("^" + SCOPE_PREFIX + "[0-9]+/", "");
  }

  /**
   * A session on {@code graph} where the replicas' devices exist: in this process (with the CPU device count the
   * replicas need), or on the cluster's chief server.
   */
  Session openSession(Graph graph, ConfigProto base) {
    if (!target.isEmpty()) {
      // Joining the cluster and the first step (graph setup on every task) get a longer bound than a step.
      return TargetedSessions.open(graph, target,
          base.toBuilder().setOperationTimeoutInMs(STARTUP_TIMEOUTS * timeout.toMillis()).build());
    }
    return new Session(graph, virtualCpus == 0 ? base : base.toBuilder().putDeviceCount("CPU", virtualCpus).build());
  }

  /**
   * A copy of {@code built} in which every op without a device is pinned: ops under {@code replica_<r>/} to replica
   * r's device, all others (weights, optimizer, EMA, gradient sums) to the chief's. {@code built} is left as it was.
   */
  Graph place(Graph built) {
    GraphDef.Builder def = built.toGraphDef().toBuilder();
    for (NodeDef.Builder node : def.getNodeBuilderList()) {
      if (node.getDevice().isEmpty()) {
        node.setDevice(devices.get(replicaOf(node.getName())));
      }
    }
    Graph placed = new Graph();
    placed.importGraphDef(def.build());
    return placed;
  }

  private int replicaOf(String opName) {
    for (int r = devices.size() - 1; r > 0; r--) {
      if (opName.startsWith(scope(r) + "/")) {
        return r;
      }
    }
    return 0;
  }

  private static void requirePositive(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("the number of replicas must be at least 1, got " + n);
    }
  }
}
