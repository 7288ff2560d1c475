package dev.trm.training;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.datasets.Batch;
import dev.trm.model.ModelDims;
import dev.trm.model.ModelTensors;
import dev.trm.model.config.TrmConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.StepStats;
import org.tensorflow.types.TFloat32;

/**
 * Replicas train exactly like one device with the same global batch: after steps with halted-slot refills,
 * exploration and puzzle rows shared between the replicas, every weight, EMA shadow and the puzzle table agree
 * within float re-association. Two layouts: two virtual CPU devices in one session, and (slow) a TensorFlow cluster
 * of a chief and two workers, their gRPC servers in this JVM on 127.0.0.1 (the multi-process run is in
 * {@code tests/}).
 */
class ReplicatedTrainStepTest {
  private static final int B = 6;
  private static final int STEPS = 6;
  private static final ModelDims DIMS = new ModelDims(TinyRuns.VOCAB, TinyRuns.SEQ_LEN, 3);
  @TempDir static Path dir;
  private static TrainStepGraph single;
  private static TrainStepGraph replicated;
  private static final List<StepResult> singleResults = new ArrayList<>();
  private static final List<StepResult> replicatedResults = new ArrayList<>();
  private static final List<Batch> batches = new ArrayList<>();
  private static TrmConfig config;
  private static StepStats replicatedStats;

  @BeforeAll
  static void train() {
    config = TinyRuns.config(dir,
        "epochs: 1 eval_interval: 1 optimizer: ADAMW lr: 3e-3 weight_decay: 0.01 puzzle_emb_lr: 1e-2 ema_rate: 0.9",
        "puzzle_emb_ndim: 16 halt_max_steps: 4 halt_exploration_prob: 0.5");
    single = TrainStepGraph.create(config, DIMS, B);
    replicated = TrainStepGraph.create(config, DIMS, B, 0, Long.MAX_VALUE, Replicas.virtualCpus(2),
        Sessions.config());
    haltEarly(single);
    haltEarly(replicated);
    SplittableRandom rng = new SplittableRandom(7);
    for (int k = 0; k < STEPS; k++) {
      Batch batch = randomBatch(rng);
      batches.add(batch);
      singleResults.add(single.step(batch));
      if (k < STEPS - 1) {
        replicatedResults.add(replicated.step(batch));
      } else {
        replicatedResults.add(replicated.step(batch, metadata -> replicatedStats = metadata.getStepStats()));
      }
    }
  }

  @AfterAll
  static void close() {
    single.close();
    replicated.close();
  }

  @Test
  void virtualDevicesMatchOneDevice() {
    assertMatchesOneDevice(replicated, "2 virtual-CPU replicas");
  }

  @Test
  @Tag("slow")
  void chiefAndTwoWorkersMatchOneDevice() throws IOException {
    List<String> workers = List.of("127.0.0.1:" + freePort(), "127.0.0.1:" + freePort());
    ClusterConfig chief = new ClusterConfig("127.0.0.1:" + freePort(), workers, ClusterConfig.CHIEF, 0);
    // TensorFlow's gRPC servers cannot be stopped: they end with the test JVM.
    for (int i = 0; i < workers.size(); i++) {
      TaskServer.start(new ClusterConfig(chief.chief(), workers, ClusterConfig.WORKER, i));
    }
    TaskServer.start(chief);
    try (TrainStepGraph cluster = TrainStepGraph.create(config, DIMS, B, 0, Long.MAX_VALUE,
        chief.replicas(Duration.ofSeconds(60)), Sessions.config())) {
      haltEarly(cluster);
      for (int k = 0; k < STEPS; k++) {
        assertSameStep(singleResults.get(k), cluster.step(batches.get(k)));
      }
      assertMatchesOneDevice(cluster, "a chief and 2 workers");
    }
  }

  private static void assertMatchesOneDevice(TrainStepGraph other, String what) {
    List<String> names = checkpointedWeights();
    assertThat(names).contains(ModelTensors.PUZZLE_EMB);
    assertThat(names).contains(Checkpoints.EMA_PREFIX + ModelTensors.Q_HEAD_BIAS);
    double worst = 0;
    for (String name : names) {
      float[] a = read(single, name);
      float[] b = read(other, name);
      assertThat(b.length).isEqualTo(a.length);
      for (int i = 0; i < a.length; i++) {
        worst = Math.max(worst, Math.abs(a[i] - b[i]));
      }
    }
    System.out.printf("%s vs one device after %d steps: max |difference| %.3g over %d tensors%n", what, STEPS,
        worst, names.size());
    assertThat(worst).isLessThan(5e-5);
  }

  @Test
  void stepsRefilledSlotsAndExploredAndResultsAgree() {
    boolean partlyHalted = false;
    for (int k = 0; k < STEPS; k++) {
      StepResult a = singleResults.get(k);
      assertSameStep(a, replicatedResults.get(k));
      partlyHalted |= a.haltedSlots() > 0 && a.haltedSlots() < B;
    }
    // Without a step where some slots halt and others keep going, refills and exploration went untested.
    assertThat(partlyHalted).isTrue();
  }

  @Test
  void eachReplicaRunsItsForwardAndBackwardPassOnItsDevice() {
    List<String> onSecond = new ArrayList<>();
    for (var device : replicatedStats.getDevStatsList()) {
      if (device.getDevice().endsWith("CPU:1")) {
        device.getNodeStatsList().forEach(n -> onSecond.add(n.getNodeName()));
      }
    }
    assertThat(onSecond.stream().anyMatch(n -> n.startsWith("replica_1/Gradients"))).isTrue();
    assertThat(onSecond.stream().noneMatch(n -> n.startsWith("replica_0/"))).isTrue();
  }

  private static void assertSameStep(StepResult a, StepResult b) {
    assertThat(b.haltedSlots()).isEqualTo(a.haltedSlots());
    assertThat(b.count()).isEqualTo(a.count());
    assertThat(b.lmLoss()).isWithin(1e-5).of(a.lmLoss());
    assertThat(b.gradNorm()).isWithin(1e-5 * Math.max(1, a.gradNorm())).of(a.gradNorm());
  }

  /** q_halt starts positive, so slots halt early unless exploration holds them: refills at every step. */
  private static void haltEarly(TrainStepGraph graph) {
    Ops tf = Ops.create(graph.graph());
    Output<TFloat32> bias = graph.graph().operation(ModelTensors.Q_HEAD_BIAS).output(0);
    graph.session().run(tf.assign(bias, tf.constant(new float[] {5f, 5f})));
  }

  /** The model tensors and EMA shadows (both graphs name them alike; the carries are named per replica). */
  private static List<String> checkpointedWeights() {
    List<String> names = new ArrayList<>();
    for (var it = single.graph().operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals("VariableV2") && !op.name().contains("carry/")
          && TFloat32.class.equals(op.output(0).type())) {
        names.add(op.name());
      }
    }
    return names;
  }

  private static float[] read(TrainStepGraph graph, String variable) {
    try (Result r = graph.session().runner().fetch(variable).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] out = new float[(int) t.shape().size()];
      t.asRawTensor().data().asFloats().read(out);
      return out;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private static Batch randomBatch(SplittableRandom rng) {
    int s = TinyRuns.SEQ_LEN;
    int[] inputs = new int[B * s];
    int[] labels = new int[B * s];
    int[] ids = new int[B];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = 1 + rng.nextInt(TinyRuns.VOCAB - 1);
      labels[i] = 1 + (inputs[i] * 2) % (TinyRuns.VOCAB - 1);
    }
    // Ids 1 and 2 only: both replicas hold rows of the same puzzles, so their row gradients must be combined.
    for (int b = 0; b < B; b++) {
      ids[b] = 1 + rng.nextInt(2);
    }
    return new Batch(B, s, inputs, labels, ids, B);
  }
}
