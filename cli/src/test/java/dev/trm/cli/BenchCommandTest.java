package dev.trm.cli;

import static com.google.common.truth.Truth.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {
  private static final Path REPO = Path.of(System.getProperty("trm.repo", ".."));

  /** Runs {@code trm args...}; returns {exit code, stdout, stderr}. */
  private static Object[] trm(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Trm()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    cli.setExecutionExceptionHandler(new CliErrors());
    int code = cli.execute(args);
    return new Object[] {code, out.toString(), err.toString()};
  }

  @Test
  void jsonModePrintsExactlyOneObjectWithTheIssuesKeys() throws Exception {
    // The CPU config at a tiny batch: a real training step in a few seconds.
    Object[] r = trm("bench", "--config", REPO.resolve("configs/sudoku6-cpu.pbtxt").toString(), "--batch", "2",
        "--dims", "8,36,1", "--warmup", "0", "--runs", "1", "--json");
    assertThat(r[0]).isEqualTo(0);
    String stdout = ((String) r[1]).strip();
    assertThat(stdout.lines().count()).isEqualTo(1);
    JsonNode json = new ObjectMapper().readTree(stdout);
    for (String key : new String[] {"examples_per_s", "gflop_per_example", "gflops_per_s", "peak_gflops_per_s",
        "graph_build_s", "peak_rss_bytes"}) {
      assertThat(json.get(key).asDouble()).isGreaterThan(0.0);
    }
    assertThat(json.get("config").asText()).isEqualTo("sudoku6-cpu");
    assertThat(json.get("batch").asInt()).isEqualTo(2);
    assertThat(json.get("mode").asText()).isEqualTo("train");
    assertThat((String) r[2]).contains("matmul peak");
  }

  @Test
  void aMissingDatasetSaysHowToGiveItsSizes() {
    Object[] r = trm("bench", "--config", REPO.resolve("configs/sudoku-mlp.pbtxt").toString(), "--batch", "8");
    assertThat(r[0]).isEqualTo(1);
    assertThat((String) r[2]).contains("--dims");
    assertThat((String) r[2]).contains("11,81,1");
  }

  @Test
  void badModeIsNamed() {
    Object[] r = trm("bench", "--config", REPO.resolve("configs/sudoku-mlp.pbtxt").toString(), "--batch", "8",
        "--mode", "serve", "--dims", "11,81,1");
    assertThat(r[0]).isEqualTo(1);
    assertThat((String) r[2]).contains("--mode must be train or infer");
  }
}
