package dev.trm.bench;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.StepStats;

class StepProfileTest {
  private static NodeExecStats node(String name, String type, long micros) {
    return NodeExecStats.newBuilder().setNodeName(name).setTimelineLabel(name + " = " + type + "(a, b)")
        .setAllEndRelMicros(micros).build();
  }

  @Test
  void groupsByExecutedOpTypeLongestFirst() {
    RunMetadata meta = RunMetadata.newBuilder().setStepStats(StepStats.newBuilder().addDevStats(
        DeviceStepStats.newBuilder().setDevice("/cpu:0")
            .addNodeStats(node("f/mm1", "_MklMatMul", 300))
            .addNodeStats(node("f/add", "AddV2", 50))
            .addNodeStats(node("f/mm2", "_MklMatMul", 500))
            .addNodeStats(NodeExecStats.newBuilder().setNodeName("_SOURCE").setAllEndRelMicros(1)))).build();
    StepProfile profile = StepProfile.of(meta);
    assertThat(profile.totalMicros()).isEqualTo(851);
    assertThat(profile.byType().get(0)).isEqualTo(new StepProfile.OpTypeTime("_MklMatMul", 2, 800));
    assertThat(profile.byType().get(1)).isEqualTo(new StepProfile.OpTypeTime("AddV2", 1, 50));
    assertThat(profile.byType().get(2).type()).isEqualTo("_SOURCE");
    assertThat(profile.microsOf("MatMul")).isEqualTo(800);
    assertThat(profile.toText(2)).contains("_MklMatMul");
    assertThat(profile.toText(2)).doesNotContain("_SOURCE");
  }
}
