package dev.trm.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the example commands of the top-level README.md, so that a stale command fails the build.
 *
 * <p>Every command line of the README's {@code bash} blocks (continuation lines joined) is either run here, in
 * README order, or skipped with its reason in {@link #SKIPPED}; a command of neither kind fails, saying how to
 * classify it. A command runs as written, with these substitutions so that the whole README runs in seconds and
 * writes nothing into the repository:
 * <ul>
 *   <li>relative paths of outputs and runs ({@code data/...}, {@code runs/...}, {@code models...}, {@code preds.npy})
 *       are placed in a temporary directory; {@code ../shared/data/...} and {@code configs/...} are the repository's;
 *   <li>{@code configs/sudoku6-cpu.pbtxt} is {@link TinyConfig} (hidden 16, 6x6 Sudoku, 48 train puzzles), whose
 *       dataset is the temporary {@code data/sudoku6-14givens}: the main job's dataset, shrunk;
 *   <li>the sizes of built datasets are capped ({@code --train}, {@code --test} 24, {@code --subsample} 20,
 *       {@code --aug} 1; a Sudoku dataset read from a CSV gets {@code --test-size 20}), and {@code trm train} gets
 *       {@code --steps 2} ({@code --steps 4} with {@code --resume});
 *   <li>{@code trm serve} runs in a child JVM on a free port of 127.0.0.1, and each {@code curl} request is sent to it,
 *       checking the JSON keys of the README's {@code # ->} line.
 * </ul>
 * Each run command must exit 0 and print what its entry in {@link #EXPECTED} says.
 */
class ReadmeCommandsTest {
  private static final Path README = TinyConfig.REPO.resolve("README.md");

  /** Commands not run, by their first words, with the reason. */
  private static final Map<String, String> SKIPPED = Map.of(
      "mvn -q install -DskipTests && mvn -q exec:java", "the 11-minute main job (its pieces run here one by one)",
      "mvn -B -ntp verify", "the test suite itself",
      "bin/trm import-torch", "needs an official PyTorch checkpoint (step_65100.pt), which the repository does not "
          + "hold; ServingCommandsTest imports a hand-made one",
      "bin/trm bench", "a paper-sized model (hidden 512) takes minutes on 2 cores; BenchCommandTest runs the CPU "
          + "config's bench",
      "PYTHONPATH=stubs python3", "needs Python stubs generated from the serving module's .proto files; "
          + "GrpcServerTest's Python client makes the same Predict call on a served export",
      "bin/trm train --config configs/sudoku-att.pbtxt --replicas 2 --replica-device GPU", "needs two GPUs",
      "export", "sets the shell variable of the cluster lines that follow",
      "TF_CONFIG=\"{$CLUSTER,", "a cluster's servers run until killed; ClusterTrainingTest (slow) starts two "
          + "`trm worker` processes and the chief's `trm train` the same way",
      "bin/trm worker", "a server that runs until killed; ClusterTrainingTest (slow) starts it");

  /** What a run command must print (stdout), by its first words. */
  private static final Map<String, String> EXPECTED = Map.of(
      "bin/trm build-dataset", "",
      "bin/trm train", "run directory:",
      "bin/trm evaluate", "eval/exact_accuracy",
      "bin/trm export", "exported EMA weights to",
      "bin/trm serve", "",
      "curl", "",
      "bin/trm predict", "wrote ",
      "bin/trm show", "ACT steps drawn",
      "bin/trm plot", "learning curves of ");

  private static final Set<String> PATH_FLAGS = Set.of("--input", "--out", "--config", "--run-dir", "--resume",
      "--checkpoint", "--base", "--model", "--model_base_path", "--data", "--checkpoint-out", "--test-input", "--plot");
  private static final Set<String> OUTPUT_FLAGS = Set.of("--out", "--run-dir", "--base", "--checkpoint-out", "--plot");
  private static final Map<String, Integer> CAPS = Map.of("--train", 24, "--test", 24, "--subsample", 20, "--aug", 1);

  private static final int PORT = freePort();

  @TempDir static Path dir;
  private static Process server;

  @TestFactory
  Stream<DynamicTest> everyReadmeCommandRunsOrIsSkippedWithAReason() throws IOException {
    Files.createDirectories(dir.resolve("configs"));
    Files.writeString(dir.resolve("configs/sudoku6-cpu.pbtxt"),
        TinyConfig.text(dir.resolve("data/sudoku6-14givens"), 6));
    List<DynamicTest> tests = new ArrayList<>();
    List<String> commands = commands(Files.readAllLines(README));
    for (int i = 0; i < commands.size(); i++) {
      String command = commands.get(i);
      String expectedJson = i + 1 < commands.size() && commands.get(i + 1).startsWith("# ->")
          ? commands.get(i + 1) : "";
      if (command.startsWith("#")) {
        continue;
      }
      tests.add(DynamicTest.dynamicTest(command, () -> run(command, expectedJson)));
    }
    return tests.stream();
  }

  private static void run(String command, String expectedJson) throws Exception {
    String skipReason = firstMatch(SKIPPED, command);
    if (skipReason != null) {
      System.out.println("skipped (" + skipReason + "): " + command);
      return;
    }
    String expected = firstMatch(EXPECTED, command);
    assertWithMessage("README.md command is neither run nor skipped by ReadmeCommandsTest:\n  %s\n"
        + "add its first words to EXPECTED (with what it prints) if it runs in seconds on the substituted tiny run, "
        + "or to SKIPPED with the reason", command).that(expected).isNotNull();
    List<String> words = words(command.replaceAll("\\s*&$", ""));
    if (words.get(0).equals("curl")) {
      curl(words, expectedJson);
      return;
    }
    checkOutputsAreGitIgnored(words);
    List<String> args = substitute(words.subList(1, words.size()));
    if (args.get(0).equals("serve")) {
      startServer(args);
      return;
    }
    CapturedRun r = CapturedRun.of(args.toArray(String[]::new));
    assertWithMessage("exit code of %s (%s)", command, args).that(r.code()).isEqualTo(0);
    assertThat(r.out()).contains(expected);
  }

  /** The README's {@code trm} arguments with the class comment's substitutions. */
  private static List<String> substitute(List<String> readmeArgs) {
    List<String> args = new ArrayList<>();
    for (int i = 0; i < readmeArgs.size(); i++) {
      String arg = readmeArgs.get(i);
      String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      String inline = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
      if (PATH_FLAGS.contains(flag) || CAPS.containsKey(flag) || flag.equals("--rest_api_port")) {
        String value = inline != null ? inline : readmeArgs.get(++i);
        String replaced = PATH_FLAGS.contains(flag) ? path(value)
            : CAPS.containsKey(flag) ? Integer.toString(Math.min(Integer.parseInt(value), CAPS.get(flag)))
            : Integer.toString(PORT);
        args.add(inline != null ? flag + "=" + replaced : flag);
        if (inline == null) {
          args.add(replaced);
        }
      } else {
        // a run directory given as an argument (trm plot RUN...)
        args.add(arg.startsWith("runs/") ? path(arg) : arg);
      }
    }
    if (args.subList(0, 2).equals(List.of("build-dataset", "sudoku")) && args.contains("--input")
        && !args.contains("--test-size")) {
      args.addAll(List.of("--test-size", "20"));  // else every other row of the CSV is a test puzzle
    }
    if (args.get(0).equals("train") && !args.contains("--steps")) {
      args.addAll(List.of("--steps", args.contains("--resume") ? "4" : "2"));
    }
    return args;
  }

  /** What the README's command writes inside the repository must not show up in {@code git status}. */
  private static void checkOutputsAreGitIgnored(List<String> words) throws Exception {
    for (int i = 0; i + 1 < words.size(); i++) {
      if (OUTPUT_FLAGS.contains(words.get(i))) {
        // A directory's pattern (models/) matches a path only when it is marked as a directory.
        String path = words.get(i + 1) + (Set.of("--out", "--plot").contains(words.get(i)) ? "" : "/");
        Process git = new ProcessBuilder("git", "check-ignore", "-q", "--no-index", path)
            .directory(TinyConfig.REPO.toFile()).redirectErrorStream(true).start();
        git.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertWithMessage("%s %s is not git-ignored: add it to .gitignore", words.get(i), path)
            .that(git.waitFor()).isEqualTo(0);
      }
    }
  }

  private static String path(String readmePath) {
    if (readmePath.startsWith("../shared/")) {
      return TinyConfig.REPO.resolve(readmePath).toString();
    }
    if (readmePath.startsWith("configs/") && !readmePath.equals("configs/sudoku6-cpu.pbtxt")) {
      return TinyConfig.REPO.resolve(readmePath).toString();
    }
    return dir.resolve(readmePath).toString();
  }

  private static void startServer(List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.trm.cli.Trm"));
    command.addAll(args);
    command.add("--rest_api_host=127.0.0.1");
    server = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("serve.log").toFile()).start();
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      assertWithMessage("trm serve exited: %s", Files.readString(dir.resolve("serve.log"))).that(server.isAlive())
          .isTrue();
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/v1/models/trm")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(250);
    }
  }

  @Test
  void commandsAreReadAsAShellWouldJoinThem() {
    List<String> readme = List.of("```bash", "# a comment", "bin/trm a --x 1   # the run's comment", "bin/trm b \\",
        "    --y 2", "curl -d '{\"k\": [1,", "   2]}'", "# -> {\"k\": 3}", "```", "bin/trm not-in-bash");
    assertThat(commands(readme)).containsExactly("bin/trm a --x 1", "bin/trm b --y 2", "curl -d '{\"k\": [1, 2]}'",
        "# -> {\"k\": 3}").inOrder();
  }

  /** Sends a README {@code curl -X POST URL -d 'BODY'} to the server and checks the keys of its {@code # ->} line. */
  private static void curl(List<String> words, String expectedJson) throws Exception {
    assertWithMessage("start the server before its curl example").that(server).isNotNull();
    String url = words.stream().filter(w -> w.contains("/v1/")).findFirst().orElseThrow();
    String body = words.get(words.indexOf("-d") + 1);
    String target = "http://127.0.0.1:" + PORT + url.substring(url.indexOf("/v1/"));
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(target))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertWithMessage("POST %s: %s", target, r.body()).that(r.statusCode()).isEqualTo(200);
    Matcher keys = Pattern.compile("\"(\\w+)\":").matcher(expectedJson);
    while (keys.find()) {
      assertThat(r.body()).contains("\"" + keys.group(1) + "\"");
    }
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    if (server != null) {
      server.destroy();
      if (!server.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  /** The command lines of the README's bash blocks, continuations joined, comments dropped but {@code # ->} kept. */
  static List<String> commands(List<String> readme) {
    List<String> commands = new ArrayList<>();
    boolean inBash = false;
    StringBuilder pending = new StringBuilder();
    for (String line : readme) {
      if (line.startsWith("```")) {
        inBash = line.equals("```bash");
        continue;
      }
      if (!inBash) {
        continue;
      }
      String text = line.strip();
      boolean inQuote = pending.chars().filter(c -> c == '\'').count() % 2 == 1;
      if (!inQuote) {
        text = text.replaceAll("\\s+#\\s.*$", "");  // a trailing comment (it may hold an apostrophe)
      }
      if (text.startsWith("# ->")) {
        commands.add(text);
        continue;
      }
      if (pending.length() == 0 && (text.isEmpty() || text.startsWith("#"))) {
        continue;
      }
      if (text.endsWith("\\")) {
        pending.append(text, 0, text.length() - 1).append(' ');
        continue;
      }
      pending.append(text);
      if (pending.chars().filter(c -> c == '\'').count() % 2 == 1) {
        pending.append(' ');  // inside a quoted argument that goes on on the next line
        continue;
      }
      String command = pending.toString().replaceAll("\\s+", " ").strip();
      pending.setLength(0);
      commands.add(command);
    }
    return commands;
  }

  /** Shell words: split at spaces, single-quoted parts kept whole. */
  private static List<String> words(String command) {
    List<String> words = new ArrayList<>();
    Matcher m = Pattern.compile("'([^']*)'|(\\S+)").matcher(command);
    while (m.find()) {
      words.add(m.group(1) != null ? m.group(1) : m.group(2));
    }
    return words;
  }

  private static String firstMatch(Map<String, String> byPrefix, String command) {
    return byPrefix.entrySet().stream().filter(e -> command.equals(e.getKey()) || command.startsWith(e.getKey() + " "))
        .map(Map.Entry::getValue).findFirst().orElse(null);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
