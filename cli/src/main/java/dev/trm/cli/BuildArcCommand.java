package dev.trm.cli;

import dev.trm.datasets.Progress;
import dev.trm.datasets.arc.ArcDatasetBuilder;
import dev.trm.datasets.arc.ArcSources;
import dev.trm.datasets.arc.ArcSubset;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trm build-dataset arc}: the TRM ARC recipe (dihedral x colour augmentations, translation of train pairs, one
 * puzzle identifier per variant) from the per-task JSON folders or from TRM's own Kaggle-format files.
 */
@Command(
    name = "arc",
    mixinStandardHelpOptions = true,
    description = {
      "ARC-AGI-1/2 + ConceptARC with dihedral and colour augmentations, in the official TRM layout.",
      "Official ARC-1 recipe: --subsets kaggle/training,kaggle/evaluation,kaggle/concept --test-set evaluation",
      "Official ARC-2 recipe: --subsets kaggle/training2,kaggle/evaluation2,kaggle/concept --test-set evaluation2"
    })
public final class BuildArcCommand implements Callable<Integer> {
  @Option(names = "--source", paramLabel = "DIR",
      description = "ARC data root with arc-agi-1/, arc-agi-2/, conceptarc/, trm-kaggle-combined/ "
          + "(default: ../shared/data/arc beside the repository)")
  Path source;

  @Option(names = "--subsets", split = ",", paramLabel = "NAME", defaultValue = "arc-agi-1,concept",
      description = "Comma-separated subsets: arc-agi-1 (= arc-agi-1/training + arc-agi-1/evaluation), arc-agi-2, "
          + "arc-agi-1/training, ..., concept, kaggle/{training,evaluation,training2,evaluation2,concept} "
          + "(default: ${DEFAULT-VALUE})")
  List<String> subsets;

  @Option(names = "--test-set", paramLabel = "NAME", defaultValue = "evaluation",
      description = "The subset whose test pairs form the test split (its demonstrations still go to train); "
          + "a full name or a unique last component (default: ${DEFAULT-VALUE})")
  String testSet;

  @Option(names = "--aug", paramLabel = "N", defaultValue = "" + ArcDatasetBuilder.DEFAULT_NUM_AUG,
      description = "Augmented variants per task besides the original (default: ${DEFAULT-VALUE})")
  int numAug;

  @Option(names = "--seed", defaultValue = "" + ArcDatasetBuilder.DEFAULT_SEED,
      description = "Seed of the numpy-compatible random stream (default: ${DEFAULT-VALUE}, as the official build)")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Output directory; must not exist or be empty")
  Path out;

  @Override
  public Integer call() {
    PrintStream err = System.err;
    Path root = source != null ? source : defaultSource();
    err.println("Reading " + String.join(", ", subsets) + " from " + root);
    List<ArcSubset> resolved = new ArcSources(root).resolve(subsets);
    for (ArcSubset subset : resolved) {
      if (!subset.hasTestOutputs()) {
        err.println("warning: " + subset.name() + " has no solutions file; its test outputs are dummy [[0]] grids");
      }
    }
    ArcDatasetBuilder builder = new ArcDatasetBuilder(resolved, testSet, numAug, seed);
    System.out.print(builder.build(out, Progress.printingTo(err, 5000)).summary());
    return 0;
  }

  /**
   * {@code ../shared/data/arc} beside the repository: the root is the {@code trm.repo} property if set, else the
   * nearest directory above this class's jar or classes folder that holds {@code cli/}, else the working directory.
   */
  private static Path defaultSource() {
    return repoRoot().resolve("../shared/data/arc").normalize();
  }

  private static Path repoRoot() {
    String property = System.getProperty("trm.repo");
    if (property != null) {
      return Path.of(property);
    }
    CodeSource code = BuildArcCommand.class.getProtectionDomain().getCodeSource();
    if (code != null && code.getLocation() != null) {
      try {
        for (Path dir = Path.of(code.getLocation().toURI()); dir != null; dir = dir.getParent()) {
          if (Files.isDirectory(dir.resolve("cli")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
            return dir;
          }
        }
      } catch (URISyntaxException | IllegalArgumentException e) {
        // Not a file location (e.g. a nested jar): fall back to the working directory.
      }
    }
    return Path.of("").toAbsolutePath();
  }
}
