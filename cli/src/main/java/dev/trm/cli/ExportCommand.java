package dev.trm.cli;

import dev.trm.export.SavedModelExporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trm export}: a checkpoint as a TF Serving SavedModel, with models.config and batching parameters. */
@Command(name = "export",
    description = {"Export a checkpoint as a TF Serving SavedModel: <base>/<name>/<version>/saved_model.pb + "
        + "variables/ (tag serve; signatures serving_default, fixed_steps, act_step), plus <base>/models.config and "
        + "<base>/batching_parameters.txt. Prints how to serve it."})
public final class ExportCommand implements Callable<Integer> {
  @Mixin
  HelpAndShortVersion helpOptions;

  @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
      description = "A checkpoint (checkpoints/step_<N>) or a run directory (its newest checkpoint).")
  Path checkpoint;

  @Option(names = "--raw-weights", description = "Export the raw weights instead of their EMA (the default, as the "
      + "official code evaluates and saves).")
  boolean rawWeights;

  @Option(names = "--base", defaultValue = "models", paramLabel = "DIR",
      description = "Model base directory (default: ${DEFAULT-VALUE}).")
  Path base;

  @Option(names = "--name", defaultValue = "trm", description = "Model name (default: ${DEFAULT-VALUE}).")
  String name;

  @Option(names = "--version", paramLabel = "N",
      description = "Version number (default: one more than the newest under <base>/<name>, else 1).")
  Long version;

  @Override
  public Integer call() {
    InputPaths.requireExisting("--checkpoint", checkpoint);
    long v = version != null ? version : nextVersion(base.resolve(name));
    SavedModelExporter.Result r = SavedModelExporter.exportCheckpoint(checkpoint, rawWeights, base, name, v);
    System.out.println("exported " + (rawWeights ? "raw" : "EMA") + " weights to " + r.versionDir());
    System.out.println("  model config:       " + r.modelsConfig());
    System.out.println("  batching params:    " + r.batchingParameters());
    System.out.println("  op types (" + r.opTypes().size() + ", all core TensorFlow): " + String.join(" ", r.opTypes()));
    System.out.println();
    System.out.println("Serve with TF Serving:");
    System.out.println("  " + r.dockerCommand());
    System.out.println("or with the built-in server (same REST API):");
    System.out.println("  " + r.serveCommand());
    System.out.println("then:");
    System.out.println("  " + r.curlExample());
    return 0;
  }

  static long nextVersion(Path modelDir) {
    if (!Files.isDirectory(modelDir)) {
      return 1;
    }
    try (Stream<Path> s = Files.list(modelDir)) {
      return 1 + s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{1,18}"))
          .mapToLong(Long::parseLong).max().orElse(0);
    } catch (IOException e) {
      throw new UncheckedIOException(modelDir + ": " + e.getMessage(), e);
    }
  }
}
