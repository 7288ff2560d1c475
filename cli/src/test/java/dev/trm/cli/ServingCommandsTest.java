package dev.trm.cli;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.datasets.Npy;
import dev.trm.datasets.NpyDtype;
import dev.trm.export.serving.ServingServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * trm import-torch -> export -> serve -> predict through the command line, on the hand-made official checkpoint of
 * the export module's tests (torch/tiny.pt, tiny-config.pbtxt).
 */
class ServingCommandsTest {
  private static final Path REPO = Path.of(System.getProperty("trm.repo", ".."));
  private static final Path PT = REPO.resolve("model/src/test/resources/torch/tiny.pt");
  private static final Path CONFIG = REPO.resolve("export/src/test/resources/tiny-config.pbtxt");

  @TempDir static Path dir;

  /** Runs {@code args}; returns {exit code, stderr}. */
  private static Object[] run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Trm()).setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler(new CliErrors());
    return new Object[] {cli.execute(args), err.toString()};
  }

  @BeforeAll
  static void importTheOfficialCheckpoint() {
    Object[] r = run("import-torch", "--checkpoint", PT.toString(), "--config", CONFIG.toString(), "--seq-len", "6",
        "--out", dir.resolve("models").toString(), "--checkpoint-out", dir.resolve("ckpt").toString());
    assertThat(r[1]).isEqualTo("");
    assertThat(r[0]).isEqualTo(0);
  }

  @Test
  void importWroteASavedModelAndACheckpointThatExportsAgain() {
    assertThat(Files.isRegularFile(dir.resolve("models/trm/1/saved_model.pb"))).isTrue();
    Object[] r = run("export", "--checkpoint", dir.resolve("ckpt").toString(), "--base", dir.resolve("models").toString());
    assertThat(r[0]).isEqualTo(0);
    assertThat(Files.isRegularFile(dir.resolve("models/trm/2/saved_model.pb"))).isTrue();
  }

  @Test
  void predictGivesTheSameAnswersFromTheSavedModelAndTheCheckpoint() {
    Path inputs = dir.resolve("inputs.npy");
    Npy.write(inputs, new long[] {3, 6}, new int[] {1, 2, 3, 4, 5, 6, 2, 2, 2, 2, 2, 2, 10, 9, 8, 7, 6, 5},
        NpyDtype.INT32);
    Path ids = dir.resolve("ids.npy");
    Npy.write(ids, new long[] {3}, new int[] {0, 1, 2}, NpyDtype.INT32);
    for (String model : new String[] {"models/trm", "ckpt"}) {
      Object[] r = run("predict", "--model", dir.resolve(model).toString(), "--input", inputs.toString(),
          "--puzzle-ids", ids.toString(), "--out", dir.resolve(model.replace('/', '_') + ".npy").toString(),
          "--q-halt", dir.resolve(model.replace('/', '_') + "_q.npy").toString(), "--steps", "2", "--fixed-steps");
      assertThat(r[1]).isEqualTo("");
      assertThat(r[0]).isEqualTo(0);
    }
    assertThat(Npy.read(dir.resolve("models_trm.npy")).readAllInts())
        .isEqualTo(Npy.read(dir.resolve("ckpt.npy")).readAllInts());
    assertThat(Npy.read(dir.resolve("ckpt_q.npy")).shape()).isEqualTo(new long[] {3});
  }

  @Test
  void serveTakesTfServingsFlagSpelling() throws Exception {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--model_name=tiny", "--model_base_path=" + dir.resolve("models/trm"),
        "--rest_api_port=0", "--rest_api_host=127.0.0.1", "--enable_batching=true", "--file_system_poll_wait_seconds=0");
    try (ServingServer server = serve.start()) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/v1/models/tiny:predict"))
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"instances\": [{\"inputs\": [1, 2, 3, 4, 5, 6], \"puzzle_identifiers\": 2}]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"predictions\"");
    }
  }

  @Test
  void badInputIsOneClearLine() {
    Object[] r = run("import-torch", "--checkpoint", PT.toString(), "--config", CONFIG.toString(), "--out",
        dir.resolve("x").toString());
    assertThat(r[0]).isEqualTo(1);
    assertThat((String) r[1]).contains("give --seq-len or --data DIR");
    r = run("predict", "--model", dir.resolve("nothing-here").toString(), "--input", PT.toString(), "--out",
        dir.resolve("o.csv").toString());
    assertThat(r[0]).isEqualTo(1);
    assertThat((String) r[1]).contains("nothing-here");
  }
}
