package org.tensorflow;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.training.ClusterConfig;
import dev.trm.training.TaskServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

/** A session opened on a TensorFlow server runs its graph there: on the server's job, not in-process. */
class TargetedSessionsTest {

  @Test
  void runsTheGraphOnTheServersDevice() throws IOException {
    ClusterConfig cluster = new ClusterConfig("127.0.0.1:" + freePort(), List.of(), ClusterConfig.CHIEF, 0);
    try (TaskServer server = TaskServer.start(cluster); Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> sum = tf.withDevice(DeviceSpec.newBuilder().job("chief").task(0).build())
          .math.add(tf.constant(2f), tf.constant(3f));
      try (Session s = TargetedSessions.open(g, server.target(), ConfigProto.getDefaultInstance());
          Result r = s.runner().fetch(sum)
              .setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build())
              .runAndFetchMetadata()) {
        assertThat(((TFloat32) r.get(0)).getFloat()).isEqualTo(5f);
        List<String> devices = r.getMetadata().orElseThrow().getStepStats().getDevStatsList().stream()
            .map(d -> d.getDevice()).toList();
        assertThat(devices).contains("/job:chief/replica:0/task:0/device:CPU:0");
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
