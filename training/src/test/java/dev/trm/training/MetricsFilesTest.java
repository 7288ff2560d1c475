package dev.trm.training;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/** metrics.jsonl lines and TensorBoard event files, read back. */
class MetricsFilesTest {
  @TempDir Path dir;

  @Test
  void jsonLinesAreAppendedAndResumeDropsLaterSteps() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    try (MetricsLog log = MetricsLog.open(file, 0)) {
      log.write(10, Map.of("train/lm_loss", 1.5));
      log.write(20, Map.of("train/lm_loss", 1.25));
      log.write(30, Map.of("train/lm_loss", Double.NaN));
    }
    try (MetricsLog log = MetricsLog.open(file, 20)) {
      log.write(25, Map.of("eval/exact_accuracy", 0.5));
    }
    assertThat(Files.readAllLines(file)).containsExactly(
        "{\"step\":10,\"train/lm_loss\":1.5}",
        "{\"step\":20,\"train/lm_loss\":1.25}",
        "{\"step\":25,\"eval/exact_accuracy\":0.5}").inOrder();
  }

  @Test
  void tensorBoardEventsHoldEveryScalar() throws IOException {
    Path logDir = dir.resolve("tensorboard");
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("train/lm_loss", 0.75);
    metrics.put("train/accuracy", 0.5);
    try (TensorBoardWriter tb = new TensorBoardWriter(logDir)) {
      tb.write(7, metrics);
    }
    Map<String, Float> found = new LinkedHashMap<>();
    List<Long> steps = new ArrayList<>();
    for (Event e : readEvents(logDir)) {
      for (Summary.Value v : e.getSummary().getValueList()) {
        found.put(v.getTag(), v.hasTensor() ? v.getTensor().getFloatVal(0) : v.getSimpleValue());
        steps.add(e.getStep());
      }
    }
    assertThat(found).containsExactly("train/lm_loss", 0.75f, "train/accuracy", 0.5f);
    assertThat(steps).containsExactly(7L, 7L);
  }

  /** Parses TFRecord framing: length (u64), its CRC (u32), the record, its CRC (u32). */
  private static List<Event> readEvents(Path logDir) throws IOException {
    List<Event> events = new ArrayList<>();
    try (Stream<Path> files = Files.list(logDir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents")).toList()) {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.remaining() > 0) {
          int len = (int) buf.getLong();
          buf.getInt();
          byte[] record = new byte[len];
          buf.get(record);
          buf.getInt();
          events.add(Event.parseFrom(record));
        }
      }
    }
    return events;
  }
}
