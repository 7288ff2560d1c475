package dev.trm.training;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

/** metrics.jsonl lines (and what a resume keeps of them) and TensorBoard event files, read back. */
class MetricsFilesTest {
  @TempDir Path dir;

  @Test
  void jsonLinesAreAppendedAndResumeDropsLaterSteps() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    try (MetricsLog log = MetricsLog.open(file, 0, notice -> {})) {
      log.write(10, Map.of("train/lm_loss", 1.5));
      log.write(20, Map.of("train/lm_loss", 1.25));
      log.write(30, Map.of("train/lm_loss", Double.NaN));
    }
    try (MetricsLog log = MetricsLog.open(file, 20, notice -> {})) {
      log.write(25, Map.of("eval/exact_accuracy", 0.5));
    }
    assertThat(Files.readAllLines(file)).containsExactly(
        "{\"step\":10,\"train/lm_loss\":1.5}",
        "{\"step\":20,\"train/lm_loss\":1.25}",
        "{\"step\":25,\"eval/exact_accuracy\":0.5}").inOrder();
  }

  @Test
  void aTornLastLineIsCutAndReportedAndTheLogIsReplacedNotRewritten() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    Files.writeString(file, "{\"step\":1,\"a\":1.0}\n{\"step\":2,\"a\":2.0}\n{\"step\":3,\"a\":3.0}\n{\"step\":4,\"a");
    Object before = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    List<String> notices = new ArrayList<>();
    try (MetricsLog log = MetricsLog.open(file, 2, notices::add)) {
      log.write(3, Map.of("a", 4.0));
    }
    assertThat(Files.readAllLines(file)).containsExactly("{\"step\":1,\"a\":1.0}", "{\"step\":2,\"a\":2.0}",
        "{\"step\":3,\"a\":4.0}").inOrder();
    assertThat(notices).hasSize(2);
    assertThat(notices.get(0)).contains("cut a torn last line");
    assertThat(notices.get(1)).contains("dropped 1 lines after step 2");
    // A new file renamed over the old one (another inode), never the old one rewritten in place.
    assertThat(Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey())
        .isNotEqualTo(before);
  }

  @Test
  void aDamagedLineBeforeTheLastIsAnErrorNamingIt() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    Files.writeString(file, "{\"step\":1}\n{\"st\u0000\u0000\n{\"step\":2}\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MetricsLog.open(file, 5, notice -> {}));
    assertThat(e).hasMessageThat().contains("metrics.jsonl: line 2 is not JSON");
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
