package dev.trm.cli;

import dev.trm.datasets.Progress;
import dev.trm.datasets.maze.MazeDatasets;
import dev.trm.datasets.maze.MazeGenerationSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code trm build-dataset maze}: Mazes from the official CSV layout, or generated 30x30 hard mazes. */
@Command(
    name = "maze",
    mixinStandardHelpOptions = true,
    description = {
      "Mazes from the official CSV layout (DIR/train.csv, DIR/test.csv), or generated hard mazes, in the official layout.",
      "Generated (Maze-Hard-like): --generate --train 1000 --test 1000 (30x30, shortest path > 110 cells, unique)."
    })
public final class BuildMazeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--input", paramLabel = "DIR", description = "Directory holding train.csv and test.csv")
  Path input;

  @Option(names = "--generate", description = "Generate mazes instead of reading CSVs (also writes OUT/{train,test}.csv)")
  boolean generate;

  @Option(names = "--train", paramLabel = "N", defaultValue = "1000", description = "With --generate: train mazes (default: ${DEFAULT-VALUE})")
  int train;

  @Option(names = "--test", paramLabel = "M", defaultValue = "1000", description = "With --generate: test mazes (default: ${DEFAULT-VALUE})")
  int test;

  @Option(names = "--size", defaultValue = "30", description = "With --generate: grid side (default: ${DEFAULT-VALUE})")
  int size;

  @Option(names = "--min-path", paramLabel = "CELLS", defaultValue = "110",
      description = "With --generate: the shortest path has more cells than this, S and G included (default: ${DEFAULT-VALUE})")
  int minPath;

  @Option(names = "--seed", defaultValue = "0", description = "With --generate: seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--aug", description = "Add the 7 other dihedral transforms of each train maze (official default: off)")
  boolean aug;

  @Mixin DatasetOutput output;

  @Override
  public Integer call() {
    if (generate == (input != null)) {
      throw new ParameterException(spec.commandLine(), "give exactly one of --input DIR and --generate");
    }
    InputPaths.requireDirectory("--input", input);
    return output.build(() -> generate
        ? MazeDatasets.generate(new MazeGenerationSpec(size, minPath, train, test, aug, seed), output.out,
            Progress.printingTo(System.err, 2000))
        : MazeDatasets.fromCsv(input, output.out, aug));
  }
}
