package dev.trm.tests;

import static com.google.common.truth.Truth.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.cli.Trm;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page that {@code trm serve} serves at {@code /}, driven in headless Chromium (Debian's {@code chromium},
 * installed with apt-get if missing) over the DevTools protocol: it enters the README's 6x6 puzzle, presses Solve,
 * and reads the answer back; the answer must be the server's own for that puzzle. A screenshot is saved as
 * {@code target/served-page.png}.
 */
@Tag("slow")
class ServedPageInChromiumTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The README's held-out 6x6 puzzle, as tokens (1 = blank, d + 1 = digit d). */
  private static final int[] PUZZLE = {5, 3, 1, 1, 2, 1, 1, 6, 1, 1, 1, 7, 7, 1, 1, 4, 1, 2, 1, 2, 4, 1, 7, 5,
      1, 1, 5, 1, 1, 1, 1, 1, 6, 1, 1, 1};
  private static final Duration WAIT = Duration.ofSeconds(180);

  @TempDir static Path dir;
  private static final List<Process> started = new ArrayList<>();
  private static String chromium;
  private static int restPort;

  @BeforeAll
  static void trainAndServe() throws Exception {
    chromium = chromium();
    Path config = dir.resolve("tiny6.pbtxt");
    Files.writeString(config, TinyConfig.text(dir.resolve("data"), 6));
    Path run = dir.resolve("run");
    assertThat(Trm.run("train", "--config", config.toString(), "--run-dir", run.toString(), "--export")).isEqualTo(0);
    restPort = freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process serve = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Trm.class.getName(),
        "serve", "--model_name=trm", "--model_base_path=" + run.resolve("export/trm"), "--rest_api_host=127.0.0.1",
        "--rest_api_port=" + restPort)
        .redirectErrorStream(true).redirectOutput(Files.createDirectories(Path.of("target")).resolve("serve.log")
            .toFile()).start();
    started.add(serve);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (status("/v1/models/trm") != 200) {
      if (!serve.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("trm serve did not come up; see target/serve.log");
      }
      Thread.sleep(500);
    }
  }

  @AfterAll
  static void stopEverything() throws InterruptedException {
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void entersTheReadmePuzzleSolvesItAndShowsTheServersAnswer() throws Exception {
    Path profile = dir.resolve("chromium-profile");
    Process browser = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
        "--window-size=1200,900", "about:blank")
        .redirectErrorStream(true).redirectOutput(Path.of("target", "chromium.log").toFile()).start();
    started.add(browser);
    try (DevTools page = DevTools.connect(pageTarget(profile, browser))) {
      page.call("Page.navigate", Map.of("url", "http://127.0.0.1:" + restPort + "/?model=trm"));
      awaitState(page, "ready");
      assertThat(page.evaluate("document.querySelectorAll('#editor input').length").asInt()).isEqualTo(36);

      StringBuilder enter = new StringBuilder();
      for (int i = 0; i < PUZZLE.length; i++) {
        if (PUZZLE[i] > 1) {
          enter.append("document.getElementById('cell-").append(i / 6).append('-').append(i % 6)
              .append("').value = '").append(PUZZLE[i] - 1).append("';");
        }
      }
      page.evaluate(enter + "document.getElementById('solve').click(); true");
      awaitState(page, "solved");
      String png = page.call("Page.captureScreenshot", Map.of("format", "png")).get("data").asText();
      Files.write(Path.of("target", "served-page.png"), Base64.getDecoder().decode(png));

      JsonNode shown = page.evaluate("Array.from(document.querySelectorAll('#answer td'))"
          + ".map(td => Number(td.dataset.token))");
      JsonNode served = JSON.readTree(post("/v1/models/trm:predict", "{\"instances\": [{\"inputs\": "
          + JSON.writeValueAsString(PUZZLE) + ", \"puzzle_identifiers\": 0}]}")).get("predictions").get(0);
      assertThat(shown).isEqualTo(served.get("predictions"));
      // The page played every ACT step the model was trained for (3), each with its q_halt.
      assertThat(page.evaluate("document.querySelectorAll('#strip figure').length").asInt()).isEqualTo(3);
      assertThat(page.evaluate("document.getElementById('step-label').textContent").asText()).contains("q_halt");
    }
  }

  private static void awaitState(DevTools page, String state) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String now = "";
    while (System.nanoTime() < deadline) {
      now = page.evaluate("document.body ? (document.body.dataset.state || '') : ''").asText();
      if (now.equals(state)) {
        return;
      }
      if (now.equals("error")) {
        throw new AssertionError("the page reports: " + page.evaluate("document.getElementById('status')"
            + ".textContent").asText());
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the page did not reach state " + state + " (it is " + now + ")");
  }

  /** The DevTools WebSocket of the browser's page, once Chromium has written its port. */
  private static String pageTarget(Path profile, Process browser) throws Exception {
    Path portFile = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
      if (!browser.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("chromium did not start; see target/chromium.log");
      }
      Thread.sleep(200);
    }
    int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
    HttpResponse<String> list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/json/list")).build(), HttpResponse.BodyHandlers.ofString());
    for (JsonNode target : JSON.readTree(list.body())) {
      if (target.get("type").asText().equals("page")) {
        return target.get("webSocketDebuggerUrl").asText();
      }
    }
    throw new IllegalStateException("chromium has no page target: " + list.body());
  }

  /** Path of chromium; installs Debian's package if it is missing, or skips the test when that is impossible. */
  private static String chromium() throws Exception {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, "chromium"))) {
        return Path.of(d, "chromium").toString();
      }
    }
    boolean apt = Files.isExecutable(Path.of("/usr/bin/apt-get"));
    Assumptions.assumeTrue(apt && "root".equals(System.getProperty("user.name")),
        "chromium is not installed and apt-get cannot install it here (needs apt-get and root)");
    for (List<String> command : List.of(List.of("apt-get", "update", "-q"),
        List.of("apt-get", "install", "-y", "-q", "chromium"))) {
      ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      b.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process p = b.start();
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        p.destroyForcibly();
      }
    }
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "apt-get could not install chromium");
    return "/usr/bin/chromium";
  }

  /** The HTTP status of GET {@code path}, or -1 while nothing listens. */
  private static int status(String path) throws IOException, InterruptedException {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.net.ConnectException e) {
      return -1;
    }
  }

  private static String post(String path, String body) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
