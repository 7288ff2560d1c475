package dev.trm.training;

import dev.trm.datasets.OutputDirectory;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.TextFormat;
import dev.trm.model.ModelDims;
import dev.trm.model.ParamSpec;
import dev.trm.model.WeightNames;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.ConfigLoader;
import dev.trm.model.config.TrmConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Checkpoint directories {@code checkpoints/step_<N>/}: self-describing and written atomically.
 *
 * <p>Contents: the TF tensor bundle {@code ckpt.index} + {@code ckpt.data-*} (weights under their official names,
 * optimizer slots, EMA shadows {@code ema/<name>}, the puzzle table, the carry), {@code config.pbtxt},
 * {@code dims.json} (ModelDims + dataset path), {@code state.json} ({@link TrainingState}) and, written last,
 * {@code manifest.json} with every file's size and SHA-256. A directory is assembled under a temporary name and
 * renamed into place, so a kill at any moment leaves either the whole checkpoint or none of it.
 */
public final class Checkpoints {
  /** Prefix of the tensor bundle inside a checkpoint directory. */
  public static final String BUNDLE = "ckpt";
  /** Name prefix of the EMA shadow of each trained tensor. */
  public static final String EMA_PREFIX = "ema/";
  static final String CONFIG_FILE = "config.pbtxt";
  static final String DIMS_FILE = "dims.json";
  static final String STATE_FILE = "state.json";
  static final String STEP_PREFIX = "step_";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

  /** {@code dims.json}. */
  record DimsFile(@JsonProperty("vocab_size") int vocabSize, @JsonProperty("seq_len") int seqLen,
      @JsonProperty("num_puzzle_identifiers") int numPuzzleIdentifiers, @JsonProperty("dataset") String dataset) {}

  private Checkpoints() {}

  /**
   * The checkpoint to use for {@code dir}: {@code dir} itself if it is a checkpoint, else the newest
   * {@code step_<N>} of a run directory ({@code dir/checkpoints/}) or of a checkpoints directory.
   */
  public static Path latest(Path dir) {
    if (Files.exists(dir.resolve(CheckpointManifest.FILE))) {
      return dir;
    }
    Path parent = Files.isDirectory(dir.resolve("checkpoints")) ? dir.resolve("checkpoints") : dir;
    return listSteps(parent).stream().reduce((a, b) -> b).orElseThrow(() -> new CheckpointException(
        "no checkpoint in " + dir + " (expected a step_<N> directory with a " + CheckpointManifest.FILE + ")"));
  }

  /** Checks every file of {@code checkpointDir} against its manifest. */
  public static void verify(Path checkpointDir) {
    CheckpointManifest.verify(checkpointDir);
  }

  /** The config the checkpoint was trained with. */
  public static TrmConfig readConfig(Path checkpointDir) {
    verify(checkpointDir);
    return ConfigLoader.load(checkpointDir.resolve(CONFIG_FILE));
  }

  /** The dataset-derived model sizes of the checkpoint. */
  public static ModelDims readDims(Path checkpointDir) {
    verify(checkpointDir);
    DimsFile d = readJson(checkpointDir.resolve(DIMS_FILE), DimsFile.class);
    return new ModelDims(d.vocabSize(), d.seqLen(), d.numPuzzleIdentifiers());
  }

  /** The dataset directory the checkpoint was trained on, as recorded. */
  public static Path readDatasetPath(Path checkpointDir) {
    verify(checkpointDir);
    return Path.of(readJson(checkpointDir.resolve(DIMS_FILE), DimsFile.class).dataset());
  }

  /** The training state ({@code state.json}). */
  public static TrainingState readState(Path checkpointDir) {
    verify(checkpointDir);
    TrainingState s = readJson(checkpointDir.resolve(STATE_FILE), TrainingState.class);
    if (!TrainingState.FORMAT.equals(s.format())) {
      throw new CheckpointException(checkpointDir.resolve(STATE_FILE) + ": format '" + s.format() + "', expected '"
          + TrainingState.FORMAT + "'");
    }
    return s;
  }

  /**
   * The model's tensors under their official names, in official order: the EMA shadows of the trained tensors if
   * {@code ema} (the weights to evaluate and export), else the raw ones; H_init/L_init and the puzzle table as they
   * are (never EMA'd).
   */
  public static LinkedHashMap<String, WeightTensor> readWeights(Path checkpointDir, boolean ema) {
    return readModel(checkpointDir, ema).weights();
  }

  /**
   * What a checkpoint holds of the model.
   *
   * @param config the config it was trained with
   * @param dims the dataset-derived sizes
   * @param weights as {@link #readWeights} returns them
   */
  public record Model(TrmConfig config, ModelDims dims, LinkedHashMap<String, WeightTensor> weights) {}

  /** The checkpoint's config, dims and weights (EMA shadows of the trained tensors if {@code ema}), read once. */
  public static Model readModel(Path checkpointDir, boolean ema) {
    TrmConfig config = readConfig(checkpointDir);
    ModelDims dims = readDims(checkpointDir);
    if (ema && !readState(checkpointDir).ema()) {
      throw new CheckpointException("checkpoint " + checkpointDir + " has no EMA weights (trained with ema_rate 0)");
    }
    List<ParamSpec> specs = WeightNames.specs(config.getArch(), dims);
    List<String> keys = new ArrayList<>();
    for (ParamSpec s : specs) {
      keys.add(ema && s.kind() == ParamSpec.Kind.TRAINABLE ? EMA_PREFIX + s.name() : s.name());
    }
    LinkedHashMap<String, WeightTensor> stored = TensorBundle.read(checkpointDir.resolve(BUNDLE), keys);
    LinkedHashMap<String, WeightTensor> out = new LinkedHashMap<>();
    for (int i = 0; i < specs.size(); i++) {
      out.put(specs.get(i).name(), stored.get(keys.get(i)));
    }
    return new Model(config, dims, out);
  }

  /**
   * Writes a weights-only checkpoint (e.g. imported PyTorch weights) that {@code trm train --resume} fine-tunes
   * from: the tensors under their official names, and the same values as EMA shadows of the trained ones.
   *
   * @param weights every tensor of {@code WeightNames.specs(config.arch, dims)}, official names (prefix optional)
   */
  public static Path writeWeightsOnly(Path checkpointDir, TrmConfig config, ModelDims dims,
      Map<String, WeightTensor> weights) {
    Map<String, WeightTensor> byName = new LinkedHashMap<>();
    weights.forEach((k, v) -> byName.put(WeightNames.canonical(k), v));
    Map<String, WeightTensor> bundle = new LinkedHashMap<>();
    for (ParamSpec s : WeightNames.specs(config.getArch(), dims)) {
      WeightTensor w = byName.get(s.name());
      if (w == null) {
        throw new IllegalArgumentException("weights lack '" + s.name() + "' required by the config");
      }
      if (!java.util.Arrays.equals(w.shape(), s.shape())) {
        throw new IllegalArgumentException("weight '" + s.name() + "' has shape " + java.util.Arrays.toString(w.shape())
            + ", the config needs " + java.util.Arrays.toString(s.shape()));
      }
      bundle.put(s.name(), w);
      if (s.kind() == ParamSpec.Kind.TRAINABLE) {
        bundle.put(EMA_PREFIX + s.name(), w);
      }
    }
    TrainingState state = new TrainingState(TrainingState.FORMAT, 0, 0, null, 0, true, true, 0, Map.of());
    return writeAtomically(checkpointDir, config, dims, Path.of(config.getData().getPath()), state,
        prefix -> TensorBundle.write(prefix, bundle));
  }

  /** Writes the checkpoint of {@code graph} at its current step into {@code checkpointsDir/step_<N>}. */
  static Path save(Path checkpointsDir, TrainStepGraph graph, Path datasetPath, TrainingState state) {
    return writeAtomically(checkpointsDir.resolve(STEP_PREFIX + state.step()), graph.config(), graph.dims(),
        datasetPath, state, graph::save);
  }

  /**
   * Deletes all but the newest {@code keepLast} checkpoints of {@code checkpointsDir}, always keeping the one with
   * the best eval/exact_accuracy. Also removes temporaries left by a killed write.
   */
  static void prune(Path checkpointsDir, int keepLast) {
    List<Path> steps = listSteps(checkpointsDir);
    Path best = best(checkpointsDir);
    for (int i = 0; i < steps.size() - keepLast; i++) {
      if (!steps.get(i).equals(best)) {
        OutputDirectory.deleteTree(steps.get(i));
      }
    }
    try (Stream<Path> s = Files.list(checkpointsDir)) {
      s.filter(p -> p.getFileName().toString().startsWith(".")).forEach(OutputDirectory::deleteTree);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + checkpointsDir + ": " + e.getMessage(), e);
    }
  }

  /** The checkpoint with the best eval/exact_accuracy in {@code checkpointsDir}, or null if none was evaluated. */
  static Path best(Path checkpointsDir) {
    Path best = null;
    double bestAccuracy = -1;
    for (Path p : listSteps(checkpointsDir)) {
      double acc = readJson(p.resolve(STATE_FILE), TrainingState.class).exactAccuracy();
      if (acc > bestAccuracy) {
        bestAccuracy = acc;
        best = p;
      }
    }
    return best;
  }

  interface BundleWriter {
    void write(Path prefix);
  }

  private static Path writeAtomically(Path target, TrmConfig config, ModelDims dims, Path datasetPath,
      TrainingState state, BundleWriter tensors) {
    Path parent = target.toAbsolutePath().getParent();
    Path tmp = parent.resolve("." + target.getFileName() + ".partial-" + ProcessHandle.current().pid());
    try {
      Files.createDirectories(parent);
      OutputDirectory.deleteTree(tmp);
      Files.createDirectories(tmp);
      tensors.write(tmp.resolve(BUNDLE));
      Files.writeString(tmp.resolve(CONFIG_FILE), TextFormat.printer().printToString(config), StandardCharsets.UTF_8);
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(DIMS_FILE).toFile(),
          new DimsFile(dims.vocabSize(), dims.seqLen(), dims.numPuzzleIdentifiers(), datasetPath.toString()));
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(STATE_FILE).toFile(), state);
      CheckpointManifest.write(tmp);
      if (Files.exists(target)) {
        // Same step written again (a resumed run): swap the old one out, then delete it.
        Path old = parent.resolve("." + target.getFileName() + ".old-" + ProcessHandle.current().pid());
        move(target, old);
        move(tmp, target);
        OutputDirectory.deleteTree(old);
      } else {
        move(tmp, target);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  /** {@code step_<N>} directories of {@code dir}, oldest first. */
  private static List<Path> listSteps(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).filter(p -> stepOf(p) >= 0)
          .sorted(Comparator.comparingLong(Checkpoints::stepOf)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static long stepOf(Path p) {
    String name = p.getFileName().toString();
    if (!name.startsWith(STEP_PREFIX)) {
      return -1;
    }
    try {
      return Long.parseLong(name.substring(STEP_PREFIX.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static <T> T readJson(Path file, Class<T> type) {
    try {
      return JSON.readValue(file.toFile(), type);
    } catch (IOException e) {
      throw new CheckpointException(file + ": " + e.getMessage(), e);
    }
  }
}
