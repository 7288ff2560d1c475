package dev.trm.bench;

import dev.trm.datasets.Batch;
import dev.trm.export.SavedModelExporter;
import dev.trm.export.ServingGraph;
import dev.trm.model.ModelDims;
import dev.trm.model.ParamValues;
import dev.trm.model.TrmParams;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.TrmConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TInt32;

/**
 * Inference through an exported SavedModel, as a serving client sees it: the {@code fixed_steps} signature (every
 * slot runs halt_max_steps ACT steps, the official evaluation) of a bundle loaded with the SavedModel loader that TF
 * Serving uses.
 */
public final class SavedModelInference implements AutoCloseable {
  /** Model name of a benchmark's own export. */
  static final String MODEL_NAME = "trm-bench";

  private final SavedModelBundle bundle;
  private final SessionFunction fixedSteps;

  private SavedModelInference(SavedModelBundle bundle) {
    this.bundle = bundle;
    this.fixedSteps = bundle.function(ServingGraph.FIXED_STEPS);
  }

  /**
   * Loads the SavedModel in {@code versionDir} (the directory holding {@code saved_model.pb}).
   *
   * @throws IllegalArgumentException if there is no SavedModel there
   */
  public static SavedModelInference load(Path versionDir, ConfigProto config) {
    if (!Files.isRegularFile(versionDir.resolve("saved_model.pb"))) {
      throw new IllegalArgumentException(versionDir + " holds no saved_model.pb: pass the version directory "
          + "that trm export wrote (<base>/<name>/<version>)");
    }
    return new SavedModelInference(SavedModelBundle.loader(versionDir.toString()).withTags("serve")
        .withConfigProto(config).load());
  }

  /**
   * Exports a model of {@code config} with freshly initialised weights under {@code base}; returns the version
   * directory. The weights' values do not change the cost of inference.
   */
  public static Path exportFresh(TrmConfig config, ModelDims dims, Path base, ConfigProto session) {
    return SavedModelExporter.export(config, dims, initialWeights(config, dims, session), base, MODEL_NAME, 1)
        .versionDir();
  }

  /** Runs the fixed-depth signature on {@code batch}; returns the predictions [B*S]. */
  public int[] run(Batch batch) {
    Shape grid = Shape.of(batch.batchSize(), batch.seqLen());
    try (TInt32 inputs = TInt32.tensorOf(grid, DataBuffers.of(batch.inputs(), true, false));
        TInt32 ids = TInt32.tensorOf(Shape.of(batch.batchSize()), DataBuffers.of(batch.puzzleIds(), true, false));
        Result r = fixedSteps.call(Map.of("inputs", inputs, "puzzle_identifiers", ids))) {
      TInt32 predictions = (TInt32) r.get("predictions").orElseThrow(
          () -> new IllegalStateException("the fixed_steps signature has no 'predictions' output"));
      int[] out = new int[batch.batchSize() * batch.seqLen()];
      predictions.asRawTensor().data().asInts().read(out);
      return out;
    }
  }

  /** The model's initial weights (the official initialisation), under their official names. */
  private static Map<String, WeightTensor> initialWeights(TrmConfig config, ModelDims dims, ConfigProto session) {
    try (Graph graph = new Graph()) {
      TrmParams params = TrmParams.createVariables(Ops.create(graph), config.getArch(), dims,
          config.getTrain().getSeed());
      try (Session s = new Session(graph, session)) {
        s.initialize();
        return ParamValues.fetch(s, params);
      }
    }
  }

  @Override
  public void close() {
    bundle.close();
  }
}
