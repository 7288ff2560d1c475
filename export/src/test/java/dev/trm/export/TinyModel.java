package dev.trm.export;

import dev.trm.model.ModelDims;
import dev.trm.model.ParamSpec;
import dev.trm.model.ModelTensors;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.ArchConfig;
import dev.trm.model.config.ConfigLoader;
import dev.trm.model.config.TrmConfig;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** The tiny test model (test resource tiny-config.pbtxt) and random weights for it. */
public final class TinyModel {
  /** Vocabulary 11 and 3 puzzle ids; 6 cells keep the graphs fast. */
  public static final ModelDims DIMS = new ModelDims(11, 6, 3);

  private TinyModel() {}

  public static Path resource(String name) {
    try {
      return Path.of(TinyModel.class.getResource("/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static TrmConfig config() {
    return ConfigLoader.load(resource("tiny-config.pbtxt"));
  }

  public static ArchConfig arch() {
    return config().getArch();
  }

  /**
   * Gaussian weights of every tensor. Unlike the official init (q_head = 0, bias -5: nothing ever halts early),
   * the halting head is random too, so that slots halt at different steps.
   */
  public static Map<String, WeightTensor> randomWeights(ArchConfig arch, ModelDims dims, long seed) {
    Random random = new Random(seed);
    Map<String, WeightTensor> out = new LinkedHashMap<>();
    for (ParamSpec spec : ModelTensors.specs(arch, dims)) {
      float[] data = new float[(int) spec.numElements()];
      double scale = spec.shape().length == 2 ? 1 / Math.sqrt(spec.shape()[1]) : 1;
      if (spec.name().equals(ModelTensors.Q_HEAD_WEIGHT)) {
        scale = 2;
      }
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) (random.nextGaussian() * scale);
      }
      out.put(spec.name(), new WeightTensor(spec.shape(), data));
    }
    return out;
  }

  /** Exports the tiny model with {@link #randomWeights}(seed) as {@code base/name/version}. */
  public static SavedModelExporter.Result export(Path base, String name, long version, long seed) {
    return SavedModelExporter.export(config(), DIMS, randomWeights(arch(), DIMS, seed), base, name, version);
  }

  /** Random valid inputs [b, S]. */
  public static int[][] randomInputs(int b, ModelDims dims, long seed) {
    Random random = new Random(seed);
    int[][] out = new int[b][dims.seqLen()];
    for (int[] row : out) {
      for (int j = 0; j < row.length; j++) {
        row[j] = 1 + random.nextInt(dims.vocabSize() - 1);
      }
    }
    return out;
  }
}
