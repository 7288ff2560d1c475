package dev.trm.model.torch;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weight files from strangers ({@link HostileWeights}) are refused quickly, with one line naming the file, and
 * without allocating what they only claim: each is read in a JVM with a 64 MB heap, where believing any of the
 * claims would end in an OutOfMemoryError.
 */
class HostileWeightsTest {
  @TempDir Path dir;

  @Test
  void eachIsRefusedNamingTheFile() throws IOException {
    for (Map.Entry<Path, HostileWeights.Case> e : HostileWeights.write(dir).entrySet()) {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
          () -> StateDicts.read(e.getKey()), e.getValue().fileName());
      assertThat(refused).hasMessageThat().startsWith(e.getKey().toString());
      assertThat(refused).hasMessageThat().contains(e.getValue().expected());
      assertThat(refused).hasMessageThat().doesNotContain("\n");
    }
  }

  @Test
  void aSmallHeapSurvivesThemAllWithinASecondEach() throws IOException, InterruptedException {
    Map<Path, HostileWeights.Case> files = HostileWeights.write(dir);
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        HostileWeightsMain.class.getName()));
    // Good files of both formats first, so that loading the readers' classes is not counted against hostile ones.
    command.add(TorchCheckpointTest.resource("torch/tiny.pt").toString());
    command.add(TorchCheckpointTest.resource("torch/tiny.safetensors").toString());
    files.keySet().forEach(f -> command.add(f.toString()));
    Path out = dir.resolve("child.out");
    Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(child.exitValue()).isEqualTo(0);
    assertThat(lines).hasSize(files.size() + 2);
    assertThat(lines.subList(0, 2).stream().allMatch(l -> l.endsWith("ACCEPTED"))).isTrue();
    int i = 2;
    for (Map.Entry<Path, HostileWeights.Case> e : files.entrySet()) {
      String[] parts = lines.get(i++).split("\t", 2);
      assertThat(parts[1]).startsWith(e.getKey().toString());
      assertThat(parts[1]).contains(e.getValue().expected());
      assertWithMessage("milliseconds to refuse %s", e.getKey()).that(Long.parseLong(parts[0])).isLessThan(1000L);
    }
    assertThat(new File("/tmp/trm-pwned").exists()).isFalse();
  }
}
