package dev.trm.serving;

import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import dev.trm.serving.config.BatchingParameters;
import dev.trm.serving.config.ModelConfig;
import dev.trm.serving.config.ModelServerConfig;
import dev.trm.serving.config.MonitoringConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads and writes TF Serving's text-format config files; every error names the file (and line, if any). */
public final class ServingConfigs {
  private ServingConfigs() {}

  /** The models of a {@code --model_config_file}, checked as {@link #checkModels} does. */
  public static List<ModelConfig> readModelConfigFile(Path file) {
    ModelServerConfig.Builder b = ModelServerConfig.newBuilder();
    parse(file, b);
    return checkModels(b.getModelConfigList().getConfigList(), file.toString());
  }

  /**
   * {@code models}, checked: at least one, unique non-empty names, non-empty base paths, platform;
   * errors start with {@code source} (the file or request they came from).
   */
  public static List<ModelConfig> checkModels(List<ModelConfig> models, String source) {
    if (models.isEmpty()) {
      throw new IllegalArgumentException(source + ": model_config_list has no config { ... } entry");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < models.size(); i++) {
      ModelConfig c = models.get(i);
      String where = source + ": config #" + (i + 1) + " ('" + c.getName() + "')";
      if (c.getName().isEmpty() || c.getName().contains("/") || c.getName().contains(":")) {
        throw new IllegalArgumentException(where + ": name must be non-empty and hold no '/' or ':'");
      }
      if (!names.add(c.getName())) {
        throw new IllegalArgumentException(where + ": name is used twice");
      }
      if (c.getBasePath().isEmpty()) {
        throw new IllegalArgumentException(where + ": base_path is empty");
      }
      if (!c.getModelPlatform().isEmpty() && !c.getModelPlatform().equals("tensorflow")) {
        throw new IllegalArgumentException(where + ": model_platform '" + c.getModelPlatform()
            + "' is not served (only 'tensorflow')");
      }
      c.getVersionLabelsMap().forEach((label, v) -> {
        if (v < 0) {
          throw new IllegalArgumentException(where + ": version label '" + label + "' names version " + v);
        }
      });
    }
    return models;
  }

  /** The config TF Serving builds from {@code --model_name} and {@code --model_base_path}. */
  public static ModelConfig singleModel(String name, String basePath) {
    return ModelConfig.newBuilder().setName(name).setBasePath(basePath).setModelPlatform("tensorflow").build();
  }

  /** A {@code --batching_parameters_file}. */
  public static BatchingParameters readBatchingParameters(Path file) {
    BatchingParameters.Builder b = BatchingParameters.newBuilder();
    parse(file, b);
    return b.build();
  }

  /** TF Serving's default URL path of the Prometheus metrics. */
  public static final String DEFAULT_PROMETHEUS_PATH = "/monitoring/prometheus/metrics";

  /**
   * A {@code --monitoring_config_file}: {@code prometheus_config { enable: true path: "..." }}. The path, if given,
   * must start with '/'; an empty one becomes TF Serving's default.
   */
  public static MonitoringConfig readMonitoringConfig(Path file) {
    MonitoringConfig.Builder b = MonitoringConfig.newBuilder();
    parse(file, b);
    String path = b.getPrometheusConfig().getPath();
    if (path.isEmpty()) {
      b.getPrometheusConfigBuilder().setPath(DEFAULT_PROMETHEUS_PATH);
    } else if (!path.startsWith("/") || path.startsWith("/v1/")) {
      throw new IllegalArgumentException(file + ": prometheus_config.path '" + path
          + "' must start with '/' and not with /v1/ (the model API)");
    }
    return b.build();
  }

  /** The text format of a message, as TF Serving reads it. */
  public static String text(Message m) {
    return TextFormat.printer().printToString(m);
  }

  private static void parse(Path file, Message.Builder builder) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
    }
    try {
      TextFormat.getParser().merge(text, builder);
    } catch (TextFormat.ParseException e) {
      // The parser's message starts with "line:column:".
      throw new IllegalArgumentException(file + ":" + e.getMessage(), e);
    }
  }
}
