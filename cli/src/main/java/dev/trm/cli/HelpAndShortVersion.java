package dev.trm.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h/--help} and {@code -V} for a subcommand whose {@code --version} is a model version (as in TF Serving), so
 * that picocli's standard {@code -V/--version} pair cannot be mixed in.
 */
final class HelpAndShortVersion {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Option(names = "-V", versionHelp = true, description = "Print version information and exit.")
  boolean version;
}
