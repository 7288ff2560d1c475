package dev.trm.export;

import dev.trm.datasets.OutputDirectory;
import dev.trm.export.serving.ServingConfigs;
import dev.trm.export.serving.config.BatchingParameters;
import dev.trm.export.serving.config.ModelConfig;
import dev.trm.export.serving.config.ModelConfigList;
import dev.trm.export.serving.config.ModelServerConfig;
import dev.trm.model.ModelDims;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.TrmConfig;
import dev.trm.training.Checkpoints;
import dev.trm.training.Sessions;
import com.google.protobuf.Int64Value;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.tensorflow.SavedModelBundle;

/**
 * Writes a TRM as a TF Serving model: {@code <base>/<name>/<version>/saved_model.pb + variables/} (tag
 * {@code serve}, the signatures of {@link ServingGraph}), plus, beside it, {@code <base>/models.config} (a
 * {@code --model_config_file} listing the model, merged with models already listed there) and
 * {@code <base>/batching_parameters.txt} (kept if present).
 *
 * <p>The version directory is assembled under a temporary name and renamed into place, so a server polling the
 * base path never loads half an export; an existing version is never overwritten.
 */
public final class SavedModelExporter {
  public static final String MODELS_CONFIG = "models.config";
  public static final String BATCHING_PARAMETERS = "batching_parameters.txt";

  /** What an export wrote, and how to serve it. */
  public record Result(Path versionDir, Path modelsConfig, Path batchingParameters, Set<String> opTypes,
      String dockerCommand, String serveCommand, String curlExample) {}

  private SavedModelExporter() {}

  /**
   * Exports the checkpoint {@code checkpointOrRunDir} (a run directory means its newest checkpoint): its EMA weights,
   * or the raw ones when {@code rawWeights}.
   */
  public static Result exportCheckpoint(Path checkpointOrRunDir, boolean rawWeights, Path base, String name,
      long version) {
    Path checkpoint = Checkpoints.latest(checkpointOrRunDir);
    Checkpoints.Model model = Checkpoints.readModel(checkpoint, !rawWeights);
    return export(model.config(), model.dims(), model.weights(), base, name, version);
  }

  /** Builds the serving graph of {@code weights} and exports it. */
  public static Result export(TrmConfig config, ModelDims dims, Map<String, WeightTensor> weights, Path base,
      String name, long version) {
    checkName(name, version);
    try (ServingGraph graph = ServingGraph.build(config.getArch(), dims, weights, Sessions.config())) {
      return export(graph, dims, base, name, version);
    }
  }

  /** Exports a built serving graph. */
  public static Result export(ServingGraph graph, ModelDims dims, Path base, String name, long version) {
    checkName(name, version);
    Set<String> foreign = SavedModelOps.nonStandard(graph.graph().toGraphDef());
    if (!foreign.isEmpty()) {
      throw new IllegalStateException("the serving graph uses ops TF Serving may lack: " + foreign);
    }
    Path abs = base.toAbsolutePath().normalize();
    Path modelDir = abs.resolve(name);
    Path versionDir = modelDir.resolve(Long.toString(version));
    if (Files.exists(versionDir)) {
      throw new IllegalArgumentException(versionDir + " already exists: choose another --version (existing "
          + "versions: " + versions(modelDir) + ")");
    }
    Path tmp = modelDir.resolve(".tmp-" + version + "-" + System.nanoTime());
    try {
      Files.createDirectories(modelDir);
      SavedModelBundle.exporter(tmp.toString()).withSession(graph.session())
          .withSignatures(graph.signatures().toArray(new org.tensorflow.Signature[0])).export();
      Files.move(tmp, versionDir, StandardCopyOption.ATOMIC_MOVE);
      Path modelsConfig = writeModelsConfig(abs, name, modelDir);
      Path batching = abs.resolve(BATCHING_PARAMETERS);
      if (!Files.exists(batching)) {
        writeAtomically(batching, ServingConfigs.text(defaultBatching()));
      }
      return new Result(versionDir, modelsConfig, batching, SavedModelOps.opTypes(versionDir),
          dockerCommand(abs, modelsConfig, batching), serveCommand(modelsConfig, batching),
          curlExample(name, dims));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot export to " + versionDir + ": " + e.getMessage(), e);
    } finally {
      OutputDirectory.deleteTree(tmp);
    }
  }

  private static void checkName(String name, long version) {
    if (!name.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException("model name '" + name + "' must be letters, digits, '_', '.' or '-'");
    }
    if (version < 1) {
      throw new IllegalArgumentException("--version must be a positive integer, got " + version);
    }
  }

  /**
   * Batching sized for a CPU with about one core: batches of up to 64 puzzles, 2 ms to gather them, one batch
   * thread (a second one only contends for the core), 16 batches' worth of rows queued before refusing.
   */
  static BatchingParameters defaultBatching() {
    return BatchingParameters.newBuilder()
        .setMaxBatchSize(Int64Value.of(64))
        .setBatchTimeoutMicros(Int64Value.of(2000))
        .setMaxEnqueuedBatches(Int64Value.of(16))
        .setNumBatchThreads(Int64Value.of(1))
        .build();
  }

  /** Adds (or replaces) {@code name} in {@code base/models.config}, keeping every other model listed there. */
  private static Path writeModelsConfig(Path base, String name, Path modelDir) throws IOException {
    Path file = base.resolve(MODELS_CONFIG);
    List<ModelConfig> models = new ArrayList<>();
    if (Files.exists(file)) {
      ServingConfigs.readModelConfigFile(file).stream().filter(m -> !m.getName().equals(name)).forEach(models::add);
    }
    models.add(ServingConfigs.singleModel(name, modelDir.toString()));
    models.sort(Comparator.comparing(ModelConfig::getName));
    ModelServerConfig config = ModelServerConfig.newBuilder()
        .setModelConfigList(ModelConfigList.newBuilder().addAllConfig(models)).build();
    writeAtomically(file, "# TF Serving --model_config_file (also read by trm serve); written by trm export\n"
        + ServingConfigs.text(config));
    return file;
  }

  /** Base paths are absolute, so the container mounts the base directory at the same path. */
  private static String dockerCommand(Path base, Path modelsConfig, Path batching) {
    return "docker run -p 8500:8500 -p 8501:8501 --mount type=bind,source=" + base + ",target=" + base
        + " -t tensorflow/serving --model_config_file=" + modelsConfig + " --enable_batching"
        + " --batching_parameters_file=" + batching;
  }

  private static String serveCommand(Path modelsConfig, Path batching) {
    return "trm serve --rest_api_port=8501 --model_config_file=" + modelsConfig + " --enable_batching"
        + " --batching_parameters_file=" + batching;
  }

  /** A request for one all-blank grid (token 1 = blank in the Sudoku and Maze encodings). */
  private static String curlExample(String name, ModelDims dims) {
    String grid = Stream.generate(() -> "1").limit(dims.seqLen()).collect(Collectors.joining(","));
    return "curl -X POST http://localhost:8501/v1/models/" + name + ":predict -d '{\"signature_name\": "
        + "\"serving_default\", \"instances\": [{\"inputs\": [" + grid + "], \"puzzle_identifiers\": 0}]}'";
  }

  private static String versions(Path modelDir) {
    try (Stream<Path> s = Files.list(modelDir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+")).sorted()
          .collect(Collectors.joining(", "));
    } catch (IOException e) {
      return "?";
    }
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
