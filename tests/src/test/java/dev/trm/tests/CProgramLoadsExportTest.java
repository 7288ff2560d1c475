package dev.trm.tests;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trm.datasets.Npy;
import dev.trm.datasets.NpyArray;
import dev.trm.datasets.PuzzleDataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second language loads the export: {@code src/test/c/load_savedmodel.c}, compiled with the system C compiler
 * against the TensorFlow C library of TF Java's native jar, loads the shared {@link TinyRun}'s SavedModel with
 * {@code TF_LoadSessionFromSavedModel} (tag {@code serve}), runs {@code serving_default} on the test puzzles and
 * must print the predictions {@code trm predict} writes for them; its errors are one line. Skipped, saying why, where
 * there is no {@code cc}.
 */
class CProgramLoadsExportTest {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

  @TempDir static Path dir;
  private static Optional<String> unavailable;
  private static TinyRun tiny;
  private static TensorFlowCProgram program;

  @BeforeAll
  static void compile() {
    unavailable = TensorFlowCProgram.unavailable();
    if (unavailable.isPresent()) {
      System.err.println("CProgramLoadsExportTest skipped: " + unavailable.get());
      return;
    }
    tiny = TinyRun.get();
    program = TensorFlowCProgram.compile(TinyConfig.REPO.resolve("tests/src/test/c/load_savedmodel.c"),
        Path.of("target/c/load_savedmodel"));
  }

  /** Each test is reported skipped, with the reason, where the program cannot be built. */
  @BeforeEach
  void requireTheProgram() {
    assumeTrue(unavailable.isEmpty(), () -> unavailable.orElseThrow());
  }

  @Test
  void servingDefaultGivesThePredictionsOfTrmPredict() throws IOException {
    PuzzleDataset test = PuzzleDataset.open(tiny.data(), "test");
    int n = (int) test.numExamples();
    int s = test.seqLen();
    List<String> puzzles = new ArrayList<>(List.of(n + " " + s));
    int[] row = new int[s];
    for (int i = 0; i < n; i++) {
      test.readInputs(i, row, 0);
      StringBuilder line = new StringBuilder().append(test.puzzleIdentifier(test.puzzleOfExample(i)));
      Arrays.stream(row).forEach(t -> line.append(' ').append(t));
      puzzles.add(line.toString());
    }
    Path stdin = dir.resolve("puzzles.txt");
    Files.write(stdin, puzzles, StandardCharsets.UTF_8);

    TensorFlowCProgram.Result c = program.run(stdin, RUN_TIMEOUT, exportDir().toString());

    assertThat(c.exitCode()).isEqualTo(0);
    assertThat(c.stderr()).contains("tag serve, signature serving_default (tensorflow/serving/predict)");
    Path predictions = dir.resolve("predictions.npy");
    Path qHalt = dir.resolve("q_halt.npy");
    CapturedRun predict = CapturedRun.of("predict", "--model", tiny.modelBase().toString(),
        "--input", tiny.data().resolve("test").toString(), "--out", predictions.toString(),
        "--q-halt", qHalt.toString());
    assertThat(predict.code()).isEqualTo(0);
    int[] expected = Npy.read(predictions).readAllInts();
    NpyArray expectedQHalt = Npy.read(qHalt);

    List<String> lines = c.stdout().lines().toList();
    assertThat(lines).hasSize(n);
    int[] printed = new int[n * s];
    float[] qHalts = new float[n];
    float[] expectedQHalts = new float[n];
    double steps = 0;
    for (int i = 0; i < n; i++) {
      String[] f = lines.get(i).split(" ");
      assertThat(f).hasLength(2 + s);
      steps += Integer.parseInt(f[0]);
      qHalts[i] = Float.parseFloat(f[1]); // 9 digits: the float exactly
      expectedQHalts[i] = (float) expectedQHalt.getDouble(i);
      for (int j = 0; j < s; j++) {
        printed[i * s + j] = Integer.parseInt(f[2 + j]);
      }
    }
    assertThat(printed).isEqualTo(expected);
    // The same library runs the same graph on the same batch: bit for bit the same halting logits. They differ from
    // puzzle to puzzle, so they also show each puzzle reached the model in its place (the barely trained model's
    // predictions alone might not).
    assertThat(qHalts).isEqualTo(expectedQHalts);
    assertThat(IntStream.range(0, n).mapToObj(i -> qHalts[i]).distinct().count()).isGreaterThan(n / 2);
    assertThat(predict.out()).contains(String.format("mean %.2f ACT steps", steps / n));
  }

  @Test
  void anUnknownSignatureIsOneClearLine() throws IOException {
    assertThat(errorLines(puzzle(1), "nope"))
        .containsExactly("load_savedmodel: " + exportDir() + " has no signature 'nope'");
  }

  @Test
  void aTokenOutsideTheVocabularyIsTheGraphsAssertOnOneLine() throws IOException {
    assertThat(errorLines(puzzle(9), "serving_default")).containsExactly("load_savedmodel: running signature "
        + "serving_default: assertion failed: [inputs holds a token outside [0, 6); smallest and largest given:] "
        + "[1] [9]");
  }

  private static Path exportDir() {
    return tiny.modelBase().resolve("1");
  }

  /** One 4x4 puzzle of blanks whose last cell holds {@code lastToken}. */
  private static Path puzzle(int lastToken) throws IOException {
    Path stdin = dir.resolve("puzzle-" + lastToken + ".txt");
    Files.writeString(stdin, "1 16\n0" + " 1".repeat(15) + " " + lastToken + "\n");
    return stdin;
  }

  /** The program's own error lines on {@code stdin} (TensorFlow's log lines aside), after checking it failed. */
  private static List<String> errorLines(Path stdin, String signature) {
    TensorFlowCProgram.Result c = program.run(stdin, RUN_TIMEOUT, exportDir().toString(), signature);
    assertThat(c.exitCode()).isEqualTo(1);
    assertThat(c.stdout()).isEmpty();
    return c.stderr().lines().filter(l -> l.startsWith("load_savedmodel: ")).toList();
  }
}
