package dev.trm.model.config;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private static final Path CONFIGS = Path.of(System.getProperty("trm.repo", "..")).resolve("configs");

  @Test
  void everyShippedConfigLoads() throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(CONFIGS, "*.pbtxt")) {
      for (Path file : files) {
        TrmConfig config = ConfigLoader.load(file);
        names.add(config.getName());
      }
    }
    assertThat(names).containsAtLeast("sudoku-mlp", "sudoku-att", "maze-att", "arc1", "arc2", "sudoku6-cpu");
  }

  @Test
  void paperConfigsCarryTheSpecValues() {
    TrmConfig mlp = ConfigLoader.load(CONFIGS.resolve("sudoku-mlp.pbtxt"));
    assertThat(mlp.getArch().getMlpT()).isTrue();
    assertThat(mlp.getArch().getPosEncodings()).isEqualTo(PosEncoding.NONE);
    assertThat(mlp.getArch().getHCycles()).isEqualTo(3);
    assertThat(mlp.getArch().getLCycles()).isEqualTo(6);
    assertThat(mlp.getTrain().getGlobalBatchSize()).isEqualTo(768);
    TrmConfig arc = ConfigLoader.load(CONFIGS.resolve("arc1.pbtxt"));
    assertThat(arc.getArch().getLCycles()).isEqualTo(4);
    assertThat(arc.getTrain().getWeightDecay()).isEqualTo(0.1f);
    assertThat(arc.getTrain().getPuzzleEmbLr()).isEqualTo(1e-2f);
    assertThat(arc.getEval().getEvaluatorsList()).containsExactly("arc");
  }

  @Test
  void unknownKeyNamesFileAndLine() {
    String text = shipped().replace("  l_cycles: 2\n", "  l_cycles: 2\n  l_cylces: 3\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("my.pbtxt", text));
    int line = lineOf(text, "l_cylces");
    assertThat(e).hasMessageThat().contains("my.pbtxt:" + line + ":");
    assertThat(e).hasMessageThat().contains("l_cylces");
  }

  @Test
  void missingKeyNamesFileBlockLineAndKey() {
    String text = shipped().replace("  rope_theta: 10000\n", "");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("my.pbtxt", text));
    assertThat(e).hasMessageThat().contains("my.pbtxt:" + lineOf(text, "arch {") + ": missing key 'arch.rope_theta'");
  }

  @Test
  void missingBlockIsReported() {
    String text = shipped().replaceAll("(?s)eval \\{.*?}\\n?", "");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("my.pbtxt", text));
    assertThat(e).hasMessageThat().contains("missing key 'eval'");
  }

  @Test
  void optionalGeneratorBlockMayBeLeftOut() {
    String text = shipped().replaceAll("(?s)  generate_sudoku \\{[^}]*}\\n", "");
    assertThat(ConfigLoader.parse("my.pbtxt", text).getData().hasGenerateSudoku()).isFalse();
  }

  @Test
  void outOfRangeValuesAreNamed() {
    String text = shipped().replace("  num_heads: 4\n", "  num_heads: 5\n").replace("  beta2: 0.95\n", "  beta2: 1.5\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("my.pbtxt", text));
    assertThat(e).hasMessageThat().contains("not a multiple of arch.num_heads");
    assertThat(e).hasMessageThat().contains("train.beta2 must be in [0, 1]");
  }

  @Test
  void syntaxErrorNamesFileAndLine() {
    String text = shipped().replace("  hidden_size: 64\n", "  hidden_size: sixty-four\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("my.pbtxt", text));
    assertThat(e).hasMessageThat().startsWith("my.pbtxt:" + lineOf(text, "sixty-four") + ":");
  }

  @Test
  void anUnknownEnumNameListsTheNamesThatWork() {
    String text = shipped().replace("forward_dtype: FLOAT32", "forward_dtype: bfloat16");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("my.pbtxt", text));
    assertThat(e).hasMessageThat().startsWith("my.pbtxt:" + lineOf(text, "bfloat16") + ":");
    assertThat(e).hasMessageThat().contains("Use one of: FLOAT32, BFLOAT16 (upper case, unquoted)");
  }

  @Test
  void unreadableFileIsNamed() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Path.of("no/such.pbtxt")));
    assertThat(e).hasMessageThat().contains("no/such.pbtxt");
  }

  private static String shipped() {
    try {
      return Files.readString(CONFIGS.resolve("sudoku6-cpu.pbtxt"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int lineOf(String text, String needle) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(needle)) {
        return i + 1;
      }
    }
    throw new AssertionError(needle + " not in text");
  }
}
