package dev.trm.bench.jmh;

import dev.trm.bench.BenchDims;
import dev.trm.model.ModelDims;
import dev.trm.model.config.ConfigLoader;
import dev.trm.model.config.TrmConfig;
import java.nio.file.Path;

/** What the model benchmarks share: a config file (relative to the repository root) and dataset sizes. */
final class BenchState {
  private BenchState() {}

  static TrmConfig config(String file) {
    return ConfigLoader.load(Path.of(file));
  }

  static ModelDims dims(String text) {
    return BenchDims.parse(text);
  }
}
