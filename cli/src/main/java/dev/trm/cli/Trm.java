package dev.trm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code trm} command line. With no arguments it runs the main job: train the CPU-sized default config on
 * generated 6x6 Sudoku, evaluate it on held-out puzzles and export a SavedModel ({@code mvn -q exec:java}); the
 * {@code bin/trm} launcher prints the usage instead, so that a bare {@code bin/trm} never starts a long run.
 */
@Command(
    name = "trm",
    mixinStandardHelpOptions = true,
    version = Trm.VERSION,
    description = "Tiny Recursive Model (arXiv 2510.04871) as a TensorFlow Java graph.%n"
        + "mvn -q exec:java with no arguments runs the main job (the same as trm train --config "
        + "configs/sudoku6-cpu.pbtxt --export: about 11 minutes); bin/trm with no arguments prints this help.",
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
      ShowCommand.class,
      PlotCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Trm implements Callable<Integer> {
  static final String VERSION = "trm-java 0.1.0 (TensorFlow Java 1.1.0)";

  /**
   * Set by {@code bin/trm}: a user typing the bare command is asking what it can do, not for an 11-minute run (the
   * main job stays one {@code mvn -q exec:java} away).
   */
  static final String USAGE_WITHOUT_ARGUMENTS = "trm.usageWithoutArguments";

  @Spec
  CommandSpec spec;

  /** The main job: {@code trm train --config configs/sudoku6-cpu.pbtxt --export}; or the usage, from bin/trm. */
  @Override
  public Integer call() {
    if (Boolean.getBoolean(USAGE_WITHOUT_ARGUMENTS)) {
      spec.commandLine().usage(spec.commandLine().getOut());
      return 0;
    }
    return run("train", "--config", TrainCommand.DEFAULT_CONFIG, "--export");
  }

  /** Runs {@code args} and returns the exit code, without exiting (for tests and embedding). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The configured command line: one-line errors, and {@code -V} answering on every subcommand too. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Trm());
    cli.setExecutionExceptionHandler(new CliErrors());
    giveVersion(cli);
    return cli;
  }

  private static void giveVersion(CommandLine cli) {
    for (CommandLine sub : cli.getSubcommands().values()) {
      if (sub.getCommandSpec().version().length == 0) {
        sub.getCommandSpec().version(VERSION);
      }
      giveVersion(sub);
    }
  }

  public static void main(String[] args) {
    int code = run(args);
    // exec:java runs inside Maven's JVM: only a failure needs System.exit to reach the shell.
    if (code != 0) {
      System.exit(code);
    }
  }
}
