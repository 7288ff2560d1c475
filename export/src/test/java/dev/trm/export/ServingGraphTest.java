package dev.trm.export;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.serving.HostTensor;
import dev.trm.model.ModelDims;
import dev.trm.model.ModelTensors;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.ArchConfig;
import dev.trm.training.Sessions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.proto.DataType;

/** The serving signatures against the model's own ACT step stepped from Java. */
class ServingGraphTest {
  private static final int B = 8;
  private static final ArchConfig ARCH = TinyModel.arch();
  private static final ModelDims DIMS = TinyModel.DIMS;
  private static Map<String, WeightTensor> weights;
  private static ServingGraph serving;
  private static ActStepReference reference;
  private static HostTensor inputs;
  private static HostTensor ids;
  /** reference.get(t) = the carry and outputs after ACT step t + 1. */
  private static final java.util.List<ActStepReference.Step> STEPS = new java.util.ArrayList<>();

  @BeforeAll
  static void build() {
    weights = TinyModel.randomWeights(ARCH, DIMS, 3);
    serving = ServingGraph.build(ARCH, DIMS, weights, Sessions.config());
    reference = new ActStepReference(ARCH, DIMS, weights);
    inputs = new HostTensor(DataType.DT_INT32, new long[] {B, DIMS.seqLen()},
        Arrays.stream(TinyModel.randomInputs(B, DIMS, 5)).flatMapToInt(Arrays::stream).toArray());
    ids = new HostTensor(DataType.DT_INT32, new long[] {B}, new int[] {0, 1, 2, 0, 1, 2, 0, 1});
    ActStepReference.Step s = reference.initial(B);
    for (int t = 0; t < ARCH.getHaltMaxSteps(); t++) {
      s = reference.step(s, inputs, ids);
      STEPS.add(s);
    }
  }

  @AfterAll
  static void close() {
    serving.close();
    reference.close();
  }

  private static Map<String, HostTensor> call(String signature, Map<String, HostTensor> in) {
    Map<String, Tensor> fed = new HashMap<>();
    in.forEach((k, v) -> fed.put(k, v.toTensor()));
    try (Result r = serving.session().function(serving.signature(signature)).call(fed)) {
      Map<String, HostTensor> out = new LinkedHashMap<>();
      r.forEach(e -> out.put(e.getKey(), HostTensor.of(e.getValue())));
      return out;
    } finally {
      fed.values().forEach(Tensor::close);
    }
  }

  private static float[] floats(HostTensor t) {
    return (float[]) t.values();
  }

  private static int[] ints(HostTensor t) {
    return (int[]) t.values();
  }

  @Test
  void fixedStepsIsTheOfficialEvaluation() {
    Map<String, HostTensor> out = call(ServingGraph.FIXED_STEPS, Map.of("inputs", inputs, "puzzle_identifiers", ids));
    ActStepReference.Step last = STEPS.get(STEPS.size() - 1);
    assertThat(floats(out.get("logits"))).usingTolerance(1e-4).containsExactly(floats(last.logits())).inOrder();
    assertThat(floats(out.get("q_halt_logits"))).usingTolerance(1e-4).containsExactly(floats(last.qHalt())).inOrder();
    assertThat(ints(out.get("steps"))).asList().containsExactlyElementsIn(Arrays.stream(new int[B])
        .map(i -> ARCH.getHaltMaxSteps()).boxed().toList());
    assertThat(out.get("predictions").shape()).asList().containsExactly((long) B, (long) DIMS.seqLen()).inOrder();
  }

  @Test
  void servingDefaultStopsEachSlotAtItsFirstPositiveHaltingLogit() {
    Map<String, HostTensor> out = call(ServingGraph.SERVING_DEFAULT,
        Map.of("inputs", inputs, "puzzle_identifiers", ids));
    int[] steps = ints(out.get("steps"));
    int v = DIMS.vocabSize();
    int cells = DIMS.seqLen() * v;
    for (int slot = 0; slot < B; slot++) {
      int stop = ARCH.getHaltMaxSteps();
      for (int t = 1; t <= ARCH.getHaltMaxSteps(); t++) {
        if (floats(STEPS.get(t - 1).qHalt())[slot] > 0) {
          stop = t;
          break;
        }
      }
      assertThat(steps[slot]).isEqualTo(stop);
      ActStepReference.Step at = STEPS.get(stop - 1);
      assertThat(floats(out.get("q_halt_logits"))[slot]).isWithin(1e-4f).of(floats(at.qHalt())[slot]);
      assertThat(Arrays.copyOfRange(floats(out.get("logits")), slot * cells, (slot + 1) * cells))
          .usingTolerance(1e-4).containsExactly(Arrays.copyOfRange(floats(at.logits()), slot * cells, (slot + 1) * cells))
          .inOrder();
    }
    // The check means something only if the slots stop at different steps.
    assertThat(Arrays.stream(steps).distinct().count()).isGreaterThan(1L);
  }

  @Test
  void actStepIsOneStepOfTheModel() {
    ActStepReference.Step first = STEPS.get(0);
    ActStepReference.Step start = reference.initial(B);
    Map<String, HostTensor> in = new HashMap<>();
    in.put("z_H", start.y());
    in.put("z_L", start.z());
    in.put("steps", start.steps());
    in.put("halted", start.halted());
    in.put("carry_inputs", HostTensor.zeros(DataType.DT_INT32, inputs.shape()));
    in.put("carry_puzzle_identifiers", HostTensor.zeros(DataType.DT_INT32, ids.shape()));
    in.put("inputs", inputs);
    in.put("puzzle_identifiers", ids);
    Map<String, HostTensor> out = call(ServingGraph.ACT_STEP, in);
    assertThat(floats(out.get("z_H"))).usingTolerance(1e-5).containsExactly(floats(first.y())).inOrder();
    assertThat(floats(out.get("logits"))).usingTolerance(1e-5).containsExactly(floats(first.logits())).inOrder();
    assertThat(out.get("carry_inputs")).isEqualTo(inputs);
    assertThat(ints(out.get("steps"))).asList().containsExactlyElementsIn(Arrays.stream(new int[B]).map(i -> 1)
        .boxed().toList());
  }

  @Test
  void batchSizeIsDynamic() {
    for (int b : new int[] {1, 3}) {
      HostTensor in = inputs.sliceRows(0, b);
      Map<String, HostTensor> out = call(ServingGraph.SERVING_DEFAULT,
          Map.of("inputs", in, "puzzle_identifiers", ids.sliceRows(0, b)));
      assertThat(out.get("logits").shape()[0]).isEqualTo(b);
    }
  }

  @Test
  void tokenOutsideTheVocabularyIsAnInvalidArgumentNamingTheInput() {
    int[] bad = ints(inputs).clone();
    bad[3] = DIMS.vocabSize();
    TFInvalidArgumentException e = assertThrows(TFInvalidArgumentException.class, () -> call(
        ServingGraph.SERVING_DEFAULT, Map.of("inputs", new HostTensor(DataType.DT_INT32, inputs.shape(), bad),
            "puzzle_identifiers", ids)));
    assertThat(e).hasMessageThat().contains("inputs holds a token outside [0, 11)");
  }

  @Test
  void unknownPuzzleIdIsAnInvalidArgument() {
    TFInvalidArgumentException e = assertThrows(TFInvalidArgumentException.class, () -> call(
        ServingGraph.FIXED_STEPS, Map.of("inputs", inputs, "puzzle_identifiers",
            new HostTensor(DataType.DT_INT32, ids.shape(), new int[] {0, 1, 2, 3, 0, 0, 0, -1}))));
    assertThat(e).hasMessageThat().contains("puzzle_identifiers holds a puzzle identifier outside [0, 3)");
  }

  @Test
  void weightsThatDoNotFitAreNamed() {
    Map<String, WeightTensor> bad = new LinkedHashMap<>(weights);
    bad.remove(ModelTensors.LM_HEAD);
    bad.put(ModelTensors.Q_HEAD_BIAS, new WeightTensor(new long[] {3}, new float[3]));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ServingGraph.build(ARCH, DIMS, bad, Sessions.config()));
    assertThat(e).hasMessageThat().contains("missing tensor 'lm_head.weight'");
    assertThat(e).hasMessageThat().contains("'q_head.bias' has shape [3]");
  }
}
