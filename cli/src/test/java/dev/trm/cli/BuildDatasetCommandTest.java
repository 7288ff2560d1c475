package dev.trm.cli;

import static com.google.common.truth.Truth.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BuildDatasetCommandTest {
  @TempDir Path dir;

  /** Runs {@code trm args...}; returns {exit code, stdout (the summary goes to System.out), stderr}. */
  private static Object[] trm(String... args) {
    StringWriter err = new StringWriter();
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    PrintStream savedErr = System.err;
    System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)); // progress
    try {
      CommandLine cli = new CommandLine(new Trm()).setErr(new PrintWriter(err));
      cli.setExecutionExceptionHandler(new CliErrors());
      int code = cli.execute(args);
      return new Object[] {code, stdout.toString(StandardCharsets.UTF_8), err.toString()};
    } finally {
      System.setOut(saved);
      System.setErr(savedErr);
    }
  }

  private Object[] generateSudoku(String... extra) {
    String[] base = {"build-dataset", "sudoku", "--generate", "--size", "4", "--givens", "8", "--train", "5",
        "--test", "3", "--aug", "2", "--out", dir.resolve("sudoku").toString()};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return trm(args);
  }

  @Test
  void buildsThenRefusesToMixWithAnEarlierBuildUnlessOverwriting() {
    Object[] first = generateSudoku();
    assertThat(first[0]).isEqualTo(0);
    assertThat((String) first[1]).contains("done in");
    assertThat(Files.exists(dir.resolve("sudoku/train/dataset.json"))).isTrue();
    assertThat(Files.exists(dir.resolve("sudoku/test/dataset.json"))).isTrue();

    Object[] again = generateSudoku();
    assertThat(again[0]).isNotEqualTo(0);
    assertThat((String) again[2]).contains("is not empty; choose another --out or pass --overwrite");
    assertThat((String) again[2]).doesNotContain("\tat ");
    assertThat(Files.exists(dir.resolve("sudoku/train/dataset.json"))).isTrue(); // nothing lost

    assertThat(generateSudoku("--overwrite")[0]).isEqualTo(0);
  }

  @Test
  void mazeNeedsExactlyOneSource() {
    Object[] r = trm("build-dataset", "maze", "--out", dir.resolve("maze").toString());
    assertThat(r[0]).isEqualTo(2);
    assertThat((String) r[2]).contains("give exactly one of --input DIR and --generate");
    assertThat(Files.exists(dir.resolve("maze"))).isFalse();
  }
}
