package dev.trm.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception that escapes a subcommand into one clear line on stderr and exit code 1.
 *
 * <p>Exceptions thrown for bad input ({@link IllegalArgumentException}, {@link java.io.UncheckedIOException},
 * config and dataset errors) already carry a message naming the file and the problem; a stack trace is printed
 * only with {@code TRM_DEBUG=1}.
 */
final class CliErrors implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    cmd.getErr().println("trm " + cmd.getCommandName() + ": error: " + message);
    if ("1".equals(System.getenv("TRM_DEBUG"))) {
      e.printStackTrace(cmd.getErr());
    }
    return 1;
  }
}
