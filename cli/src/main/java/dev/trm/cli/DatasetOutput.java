package dev.trm.cli;

import dev.trm.datasets.BuildReport;
import dev.trm.datasets.DurableFiles;
import dev.trm.datasets.OutputDirectory;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * The output options of {@code build-dataset sudoku} and {@code maze} (a picocli mixin), and the run around their
 * build: remove what a killed earlier build left, refuse a non-empty {@code --out} unless {@code --overwrite}, build,
 * print the summary and the time taken.
 */
final class DatasetOutput {
  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output dataset directory")
  Path out;

  @Option(names = "--overwrite", description = "Replace a dataset already in --out (default: refuse a non-empty --out)")
  boolean overwrite;

  /** Runs {@code build} (which writes to {@link #out}) after the guard; returns the exit code. */
  int build(Supplier<BuildReport> build) {
    // Temporaries of a killed earlier build; its finished arrays stay (a split without dataset.json is never read).
    for (Path dir : List.of(out, out.resolve("train"), out.resolve("test"))) {
      DurableFiles.removeLeftovers(dir, System.out::println);
    }
    OutputDirectory.requireEmpty(out, overwrite);
    long start = System.nanoTime();
    System.out.print(build.get().summary());
    System.out.printf("done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    return 0;
  }
}
