package dev.trm.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/**
 * Where one traced run spends its time, op type by op type (TensorFlow's FULL_TRACE step stats).
 *
 * <p>Op types are read from the executed kernels' timeline labels ({@code "name = Type(inputs)"}), not from the
 * Java graph, so the oneDNN and Grappler rewrites ({@code _MklMatMul}, {@code _FusedMatMul}, ...) show as they ran.
 *
 * @param byType time per op type, longest first
 * @param totalMicros summed time of all ops (equals the wall time when ops run one after another)
 */
public record StepProfile(List<OpTypeTime> byType, long totalMicros) {

  /**
   * The time of one op type.
   *
   * @param type the kernel's op type
   * @param count ops of that type executed
   * @param micros their summed time
   */
  public record OpTypeTime(String type, int count, long micros) {}

  public StepProfile {
    byType = List.copyOf(byType);
  }

  /** Runs {@code runner} once with FULL_TRACE and profiles that run. */
  public static StepProfile trace(Session.Runner runner) {
    runner.setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
    try (Result result = runner.runAndFetchMetadata()) {
      return of(result.getMetadata().orElseThrow(
          () -> new IllegalStateException("TensorFlow returned no run metadata for a FULL_TRACE run")));
    }
  }

  /** Groups the node stats of {@code metadata} by op type. */
  public static StepProfile of(RunMetadata metadata) {
    Map<String, long[]> countAndMicros = new HashMap<>();
    long total = 0;
    for (DeviceStepStats device : metadata.getStepStats().getDevStatsList()) {
      for (NodeExecStats node : device.getNodeStatsList()) {
        long[] entry = countAndMicros.computeIfAbsent(opType(node), k -> new long[2]);
        entry[0]++;
        entry[1] += node.getAllEndRelMicros();
        total += node.getAllEndRelMicros();
      }
    }
    List<OpTypeTime> byType = new ArrayList<>();
    countAndMicros.forEach((type, e) -> byType.add(new OpTypeTime(type, (int) e[0], e[1])));
    byType.sort(Comparator.comparingLong(OpTypeTime::micros).reversed().thenComparing(OpTypeTime::type));
    return new StepProfile(byType, total);
  }

  /** The summed time of the op types whose name contains {@code fragment} (e.g. "MatMul"). */
  public long microsOf(String fragment) {
    return byType.stream().filter(t -> t.type().contains(fragment)).mapToLong(OpTypeTime::micros).sum();
  }

  /** The {@code top} longest op types as a table with their share of the total. */
  public String toText(int top) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-34s %6s %10s %6s%n", "op type", "count",
        "ms", "share"));
    for (OpTypeTime t : byType.subList(0, Math.min(top, byType.size()))) {
      out.append(String.format(Locale.ROOT, "%-34s %6d %10.2f %5.1f%%%n", t.type(), t.count(), t.micros() / 1e3,
          100.0 * t.micros() / Math.max(1, totalMicros)));
    }
    out.append(String.format(Locale.ROOT, "%-34s %6s %10.2f%n", "total (summed op time)", "", totalMicros / 1e3));
    return out.toString();
  }

  /** The op type in a timeline label "name = Type(inputs)"; the node name when the label has no type. */
  static String opType(NodeExecStats node) {
    String label = node.getTimelineLabel();
    int eq = label.indexOf(" = ");
    int paren = label.indexOf('(', eq + 3);
    if (eq < 0 || paren < 0) {
      return node.getNodeName();
    }
    return label.substring(eq + 3, paren);
  }
}
