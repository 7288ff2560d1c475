package dev.trm.training;

import dev.trm.datasets.DurableFiles;
import dev.trm.datasets.OutputDirectory;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.TextFormat;
import dev.trm.model.ModelDims;
import dev.trm.model.ParamSpec;
import dev.trm.model.ModelTensors;
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
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoint directories {@code checkpoints/step_<N>/}: self-describing and written atomically.
 *
 * <p>Contents: the TF tensor bundle {@code ckpt.index} + {@code ckpt.data-*} (weights under their official names,
 * optimizer slots, EMA shadows {@code ema/<name>}, the puzzle table, the carry), {@code config.pbtxt},
 * {@code dims.json} (ModelDims + dataset path), {@code state.json} ({@link TrainingState}) and, written last,
 * {@code manifest.json} with every file's size and SHA-256. A directory is assembled under a hidden temporary name,
 * fsynced and renamed into place ({@link DurableFiles#publish}), so a kill or a power loss at any moment leaves either
 * the whole checkpoint or none of it; should a published one still be damaged, {@link #latest} falls back to the
 * newest one that verifies, and pruning never deletes an older checkpoint before the new one has verified.
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
  private static final Pattern MOVED_ASIDE = Pattern.compile("\\." + STEP_PREFIX + "(\\d{1,18})\\." + DurableFiles.OLD
      + "-(\\d{1,18})");
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

  /** {@code dims.json}. */
  record DimsFile(@JsonProperty("vocab_size") int vocabSize, @JsonProperty("seq_len") int seqLen,
      @JsonProperty("num_puzzle_identifiers") int numPuzzleIdentifiers, @JsonProperty("dataset") String dataset) {}

  private Checkpoints() {}

  /** {@link #latest(Path, Consumer)} reporting skipped checkpoints on standard error. */
  public static Path latest(Path dir) {
    return latest(dir, System.err::println);
  }

  /**
   * The checkpoint to use for {@code dir}: {@code dir} itself if it is a checkpoint, else the newest
   * {@code step_<N>} of a run directory ({@code dir/checkpoints/}) or of a checkpoints directory that verifies
   * against its manifest. Each newer one that does not is skipped and reported to {@code notices} with the reason.
   * A checkpoint that a killed run had moved aside to replace it ({@code .step_<N>.old-<pid>}, with no
   * {@code step_<N>} in its place) counts as {@code step_<N>}, so that the kill loses nothing.
   */
  public static Path latest(Path dir, Consumer<String> notices) {
    if (Files.exists(dir.resolve(CheckpointManifest.FILE))) {
      return dir;
    }
    Path parent = Files.isDirectory(dir.resolve("checkpoints")) ? dir.resolve("checkpoints") : dir;
    List<Path> steps = new ArrayList<>(listSteps(parent));
    steps.addAll(movedAside(parent, steps));
    steps.sort(Comparator.comparingLong(Checkpoints::stepOf));
    if (steps.isEmpty()) {
      throw new CheckpointException("no checkpoint in " + dir + " (expected a step_<N> directory with a "
          + CheckpointManifest.FILE + ")");
    }
    List<String> skipped = new ArrayList<>();
    for (int i = steps.size() - 1; i >= 0; i--) {
      try {
        CheckpointManifest.verify(steps.get(i));
      } catch (CheckpointException e) {
        skipped.add(e.getMessage());
        continue;
      }
      for (String reason : skipped) {
        notices.accept("skipping a damaged checkpoint: " + reason + "; falling back to " + steps.get(i));
      }
      if (MOVED_ASIDE.matcher(steps.get(i).getFileName().toString()).matches()) {
        notices.accept("using " + steps.get(i) + ": " + STEP_PREFIX + stepOf(steps.get(i)) + " as a run killed while "
            + "replacing it left it");
      }
      return steps.get(i);
    }
    throw new CheckpointException("no valid checkpoint in " + dir + ": " + String.join("; ", skipped));
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
    List<ParamSpec> specs = ModelTensors.specs(config.getArch(), dims);
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
   * @param weights every tensor of {@code ModelTensors.specs(config.arch, dims)}, official names (prefix optional)
   */
  public static Path writeWeightsOnly(Path checkpointDir, TrmConfig config, ModelDims dims,
      Map<String, WeightTensor> weights) {
    Map<String, WeightTensor> byName = new LinkedHashMap<>();
    weights.forEach((k, v) -> byName.put(ModelTensors.canonical(k), v));
    Map<String, WeightTensor> bundle = new LinkedHashMap<>();
    for (ParamSpec s : ModelTensors.specs(config.getArch(), dims)) {
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
   * Deletes all but the newest {@code keepLast} (at least one) checkpoints of {@code checkpointsDir}, always keeping
   * the one with the best eval/exact_accuracy, once the newest has verified against its manifest: until then the
   * older ones are all that is known to be good. Also removes temporaries left by a killed run, naming each in
   * {@code notices}.
   */
  static void prune(Path checkpointsDir, int keepLast, Consumer<String> notices) {
    List<Path> steps = listSteps(checkpointsDir);
    if (steps.isEmpty()) {
      return;
    }
    CheckpointManifest.verify(steps.get(steps.size() - 1));
    Path best = best(checkpointsDir);
    boolean deleted = false;
    for (int i = 0; i < steps.size() - Math.max(1, keepLast); i++) {
      if (!steps.get(i).equals(best)) {
        OutputDirectory.deleteTree(steps.get(i));
        deleted = true;
      }
    }
    if (deleted) {
      DurableFiles.syncDirectory(checkpointsDir);
    }
    DurableFiles.removeLeftovers(checkpointsDir, notices);
  }

  /**
   * The checkpoint with the best eval/exact_accuracy in {@code checkpointsDir}, or null if none was evaluated; one
   * whose state cannot be read does not count.
   */
  static Path best(Path checkpointsDir) {
    Path best = null;
    double bestAccuracy = -1;
    for (Path p : listSteps(checkpointsDir)) {
      double acc;
      try {
        acc = readJson(p.resolve(STATE_FILE), TrainingState.class).exactAccuracy();
      } catch (CheckpointException e) {
        continue;
      }
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
    Path tmp = DurableFiles.temporaryFor(target, DurableFiles.PARTIAL);
    try {
      DurableFiles.createDirectories(parent);
      OutputDirectory.deleteTree(tmp);
      Files.createDirectories(tmp);
      tensors.write(tmp.resolve(BUNDLE));
      Files.writeString(tmp.resolve(CONFIG_FILE), TextFormat.printer().printToString(config), StandardCharsets.UTF_8);
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(DIMS_FILE).toFile(),
          new DimsFile(dims.vocabSize(), dims.seqLen(), dims.numPuzzleIdentifiers(), datasetPath.toString()));
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(STATE_FILE).toFile(), state);
      CheckpointManifest.write(tmp);
      if (Files.exists(target)) {
        // Same step written again (a resumed run): swap the old one out, then delete it. A kill in between leaves
        // the older checkpoints to resume from, and the two temporaries for the next run to remove.
        Path old = DurableFiles.temporaryFor(target, DurableFiles.OLD);
        move(target, old);
        DurableFiles.publish(tmp, target);
        OutputDirectory.deleteTree(old);
        DurableFiles.syncDirectory(parent);
      } else {
        DurableFiles.publish(tmp, target);
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
      return s.filter(Files::isDirectory)
          .filter(p -> p.getFileName().toString().startsWith(STEP_PREFIX) && stepOf(p) >= 0)
          .sorted(Comparator.comparingLong(Checkpoints::stepOf)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /** {@code .step_<N>.old-<pid>} directories of {@code dir} of dead processes whose step is not in {@code steps}. */
  private static List<Path> movedAside(Path dir, List<Path> steps) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Long> present = steps.stream().map(Checkpoints::stepOf).toList();
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).filter(p -> {
        Matcher m = MOVED_ASIDE.matcher(p.getFileName().toString());
        return m.matches() && !present.contains(Long.parseLong(m.group(1)))
            && ProcessHandle.of(Long.parseLong(m.group(2))).isEmpty();
      }).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static long stepOf(Path p) {
    String name = p.getFileName().toString();
    Matcher aside = MOVED_ASIDE.matcher(name);
    if (aside.matches()) {
      return Long.parseLong(aside.group(1));
    }
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
