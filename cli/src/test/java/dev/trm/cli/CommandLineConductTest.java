package dev.trm.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.model.config.DType;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/**
 * What every subcommand owes a careless user, checked without running a model: help and version always answer,
 * bad flags and missing files are named before any work, and a bare {@code bin/trm} does not start the main job.
 */
class CommandLineConductTest {
  private static final Path REPO = Path.of(System.getProperty("trm.repo", ".."));

  @TempDir Path dir;

  private record Result(int code, String out, String err) {}

  private static Result trm(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Trm.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    return new Result(cli.execute(args), out.toString(), err.toString());
  }

  /** Every subcommand path, such as [train] and [build-dataset, sudoku]. */
  private static List<List<String>> subcommands(CommandLine cli, List<String> prefix) {
    List<List<String>> paths = new ArrayList<>();
    cli.getSubcommands().forEach((name, sub) -> {
      if (!name.equals("help")) {
        List<String> path = new ArrayList<>(prefix);
        path.add(name);
        paths.add(path);
        paths.addAll(subcommands(sub, path));
      }
    });
    return paths;
  }

  @Test
  void everySubcommandAnswersHelpAndVersionBeforeCheckingItsOptions() {
    List<List<String>> paths = subcommands(Trm.commandLine(), List.of());
    assertThat(paths).contains(List.of("export"));
    for (List<String> path : paths) {
      for (String flag : new String[] {"--help", "-V"}) {
        List<String> args = new ArrayList<>(path);
        args.add(flag);
        Result r = trm(args.toArray(String[]::new));
        assertWithMessage("trm %s: %s", String.join(" ", args), r.err()).that(r.code()).isEqualTo(0);
        assertWithMessage("trm %s", String.join(" ", args)).that(r.out())
            .contains(flag.equals("-V") ? Trm.VERSION : "Usage: trm " + String.join(" ", path));
      }
    }
  }

  @Test
  void bareTrmFromTheLauncherPrintsUsageInsteadOfTraining() {
    System.setProperty(Trm.USAGE_WITHOUT_ARGUMENTS, "true");
    try {
      Result r = trm();
      assertThat(r.code()).isEqualTo(0);
      assertThat(r.out()).contains("Usage: trm");
      assertThat(r.out()).contains("mvn -q exec:java");
    } finally {
      System.clearProperty(Trm.USAGE_WITHOUT_ARGUMENTS);
    }
  }

  @Test
  void stepsBelowOneAndAMissingDefaultConfigAreNamed() {
    Result r = trm("train", "--steps", "-5");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("--steps must be at least 1, got -5");
    // The module directory has no configs/: as when trm runs outside the repository root.
    r = trm("train");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("the default configs/sudoku6-cpu.pbtxt is not in the working directory");
    assertThat(r.err()).contains("run trm from the repository root, or pass --config FILE");
  }

  @Test
  void aBatchSizeBelowOneIsRefusedBeforeTheModelLoads() {
    // The model path does not exist: the batch size is checked first, before any path or model.
    Result r = trm("predict", "--model", "no-such-model", "--input", "no-such-input", "--out", "p.npy",
        "--batch-size", "0");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("--batch-size must be at least 1, got 0");
  }

  @Test
  void evaluateStepsBelowOneAreRefusedNotIgnored() {
    Result r = trm("evaluate", "--checkpoint", "no-such-run", "--steps", "0");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("--steps must be at least 1, got 0");
  }

  @Test
  void aNonEmptyRunDirectoryIsRefusedBeforeAnyWork() throws IOException {
    Path run = dir.resolve("run");
    Files.createDirectories(run);
    Files.writeString(run.resolve("metrics.jsonl"), "{\"step\": 1}\n");
    Result r = trm("train", "--config", REPO.resolve("configs/sudoku6-cpu.pbtxt").toString(), "--run-dir",
        run.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("already exists and is not empty");
    assertThat(Files.readString(run.resolve("metrics.jsonl"))).isEqualTo("{\"step\": 1}\n");
  }

  @Test
  void missingInputsAreNamedByTheirFlag() throws IOException {
    Path nothing = dir.resolve("nothing-here");
    String[][] commands = {
        {"evaluate", "--checkpoint", nothing.toString()},
        {"export", "--checkpoint", nothing.toString(), "--base", dir.toString()},
        {"train", "--resume", nothing.toString()},
        {"predict", "--model", nothing.toString(), "--input", nothing.toString(), "--out", "p.npy"},
        {"build-dataset", "sudoku", "--input", nothing.toString(), "--out", dir.resolve("d").toString()},
    };
    for (String[] args : commands) {
      Result r = trm(args);
      assertThat(r.code()).isEqualTo(1);
      String flag = args[0].equals("build-dataset") ? args[2] : args[1];
      assertThat(r.err()).contains(flag + " " + nothing + ": no such file or directory");
    }
    Path empty = Files.writeString(dir.resolve("empty.csv"), "");
    Result r = trm("build-dataset", "sudoku", "--input", empty.toString(), "--subsample", "1", "--out",
        dir.resolve("d").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains(empty + " is empty: expected the header 'source,question,answer,rating'");
  }

  @Test
  void benchRefusesFlagsItWouldIgnore() {
    Result r = trm("bench", "--config", REPO.resolve("configs/sudoku-mlp.pbtxt").toString(), "--batch", "8",
        "--saved-model", dir.toString(), "--mode", "train", "--dims", "11,81,1");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("--saved-model applies to --mode infer only");
  }

  @Test
  void forwardDtypeTakesBothNamesInAnyCaseAndNothingElse() {
    ForwardDtypeConverter c = new ForwardDtypeConverter();
    assertThat(c.convert("bfloat16")).isEqualTo(DType.BFLOAT16);
    assertThat(c.convert("FLOAT32")).isEqualTo(DType.FLOAT32);
    assertThrows(TypeConversionException.class, () -> c.convert("UNRECOGNIZED"));
    Result r = trm("bench", "--config", "x.pbtxt", "--batch", "8", "--forward-dtype", "DTYPE_UNSPECIFIED");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("expected FLOAT32 or BFLOAT16, got 'DTYPE_UNSPECIFIED'");
  }
}
