package dev.trm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code trm} command line. With no arguments it runs the main job: train the CPU-sized default config on
 * generated 6x6 Sudoku, evaluate it on held-out puzzles and export a SavedModel.
 */
@Command(
    name = "trm",
    mixinStandardHelpOptions = true,
    version = "trm-java 0.1.0 (TensorFlow Java 1.1.0)",
    description = "Tiny Recursive Model (arXiv 2510.04871) as a TensorFlow Java graph.%n"
        + "With no subcommand: the main job (train configs/sudoku6-cpu.pbtxt, evaluate, export).",
    subcommands = {
      BuildDatasetCommand.class,
      TrainCommand.class,
      WorkerCommand.class,
      EvaluateCommand.class,
      ExportCommand.class,
      ServeCommand.class,
      PredictCommand.class,
      ImportTorchCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Trm implements Callable<Integer> {

  /** The main job: {@code trm train --config configs/sudoku6-cpu.pbtxt --export}. */
  @Override
  public Integer call() {
    return run("train", "--config", TrainCommand.DEFAULT_CONFIG, "--export");
  }

  /** Runs {@code args} and returns the exit code, without exiting (for tests and embedding). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Trm());
    cli.setExecutionExceptionHandler(new CliErrors());
    return cli.execute(args);
  }

  public static void main(String[] args) {
    int code = run(args);
    // exec:java runs inside Maven's JVM: only a failure needs System.exit to reach the shell.
    if (code != 0) {
      System.exit(code);
    }
  }
}
