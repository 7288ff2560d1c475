package dev.trm.serving;

import dev.trm.serving.config.ModelConfig;
import dev.trm.serving.config.ServableVersionPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.ConfigProto;

/**
 * Keeps the versions of every configured model loaded as TF Serving's file-system source and version policy do:
 * each {@link #poll} lists the numeric directories under a model's {@code base_path}, loads the versions the
 * policy wants (the newest one by default) and retires the others. A load that fails is retried as TF Serving's
 * {@code --max_num_load_retries} and {@code --load_retry_interval_micros} say (the version stays LOADING meanwhile);
 * a version that still fails is reported in the model's status and tried again only when its {@code saved_model.pb}
 * changes. The versions already serving stay until a wanted version is up, so a broken new export never takes a
 * model down.
 */
public final class ModelManager implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ModelManager.class.getName());
  private static final Pattern VERSION_DIR = Pattern.compile("\\d{1,18}");

  /** One row of {@code GET /v1/models/{name}}: state is START, LOADING, AVAILABLE, UNLOADING or END. */
  public record VersionStatus(long version, String state, String errorCode, String errorMessage) {}

  private static final class ModelState {
    ModelConfig config;
    final TreeMap<Long, Servable> loaded = new TreeMap<>();
    final TreeMap<Long, VersionStatus> status = new TreeMap<>(Comparator.reverseOrder());
    /** Versions whose load failed, with the saved_model.pb modification time they failed with. */
    final Map<Long, Long> failedAt = new LinkedHashMap<>();
  }

  /**
   * How often a failed load is tried again: {@code maxRetries} more attempts, {@code interval} apart (TF Serving's
   * defaults: 5 and 60 s).
   */
  public record LoadRetries(int maxRetries, Duration interval) {
    public static final LoadRetries TF_SERVING_DEFAULTS = new LoadRetries(5, Duration.ofSeconds(60));
    public static final LoadRetries NONE = new LoadRetries(0, Duration.ZERO);

    public LoadRetries {
      if (maxRetries < 0 || interval.isNegative()) {
        throw new IllegalArgumentException("load retries and their interval must be >= 0");
      }
    }
  }

  private final ConfigProto sessionConfig;
  private final String[] tags;
  private final LoadRetries retries;
  private final ServingMetrics metrics;
  private final Map<String, ModelState> models = new LinkedHashMap<>();

  public ModelManager(List<ModelConfig> configs, ConfigProto sessionConfig, LoadRetries retries,
      ServingMetrics metrics, String... tags) {
    this.sessionConfig = sessionConfig;
    this.tags = tags.clone();
    this.retries = retries;
    this.metrics = metrics;
    setConfig(configs);
  }

  /** Replaces the model list (a reloaded --model_config_file): removed models are retired at once. */
  public synchronized void setConfig(List<ModelConfig> configs) {
    Set<String> names = new HashSet<>();
    for (ModelConfig c : configs) {
      if (!names.add(c.getName())) {
        throw new IllegalArgumentException("model name '" + c.getName() + "' is configured twice");
      }
      models.computeIfAbsent(c.getName(), n -> new ModelState()).config = c;
    }
    for (String name : List.copyOf(models.keySet())) {
      if (!names.contains(name)) {
        ModelState gone = models.remove(name);
        gone.loaded.values().forEach(Servable::retire);
      }
    }
  }

  /** Loads new versions and retires unwanted ones, for every model. Never throws for one bad version. */
  public void poll() {
    Map<String, ModelConfig> configs = new LinkedHashMap<>();
    synchronized (this) {
      models.forEach((name, m) -> configs.put(name, m.config));
    }
    configs.forEach(this::pollModel);
  }

  private void pollModel(String name, ModelConfig config) {
    NavigableMap<Long, Path> found = versionsOnDisk(Path.of(config.getBasePath()));
    Set<Long> aspired = aspired(config.getModelVersionPolicy(), found);
    for (long v : aspired) {
      Path dir = found.get(v);
      long stamp = stamp(dir);
      synchronized (this) {
        ModelState m = models.get(name);
        if (m == null || m.loaded.containsKey(v) || Long.valueOf(stamp).equals(m.failedAt.get(v))) {
          continue;
        }
        m.status.put(v, new VersionStatus(v, "LOADING", "OK", ""));
      }
      Loaded loaded = load(name, v, dir);
      Servable servable = loaded.servable();
      VersionStatus result = loaded.status();
      synchronized (this) {
        ModelState m = models.get(name);
        if (m == null) {
          if (servable != null) {
            servable.retire();
          }
          continue;
        }
        m.status.put(v, result);
        if (servable != null) {
          m.loaded.put(v, servable);
          m.failedAt.remove(v);
        } else {
          m.failedAt.put(v, stamp);
        }
      }
    }
    synchronized (this) {
      ModelState m = models.get(name);
      // Availability first (as TF Serving's default policy): old versions go only once a wanted one is up.
      if (m != null && m.loaded.keySet().stream().anyMatch(aspired::contains)) {
        for (Long v : List.copyOf(m.loaded.keySet())) {
          if (!aspired.contains(v)) {
            m.loaded.remove(v).retire();
            m.status.put(v, new VersionStatus(v, "END", "OK", ""));
            LOG.info("retired model " + name + " version " + v);
          }
        }
      }
    }
  }

  /** Replays the version's warm-up requests before it becomes AVAILABLE; a failure retires it and propagates. */
  private static void warmUp(Servable servable, Path dir) {
    try {
      int n = Warmup.replay(servable, dir);
      if (n > 0) {
        LOG.info("model " + servable.model() + " version " + servable.version() + ": replayed " + n
            + " warm-up requests from " + dir.resolve(Warmup.FILE));
      }
    } catch (RuntimeException e) {
      servable.retire();
      throw e;
    }
  }

  /** The outcome of loading a version: its servable (null if every attempt failed) and its status. */
  private record Loaded(Servable servable, VersionStatus status) {}

  /** Loads a version, retrying as configured. */
  private Loaded load(String name, long version, Path dir) {
    for (int attempt = 0; ; attempt++) {
      long start = System.nanoTime();
      try {
        Servable s = Servable.load(name, version, dir, sessionConfig, tags);
        warmUp(s, dir);
        metrics.recordLoad(dir.toString(), true, (System.nanoTime() - start) / 1000);
        LOG.info("loaded model " + name + " version " + version + " from " + dir);
        return new Loaded(s, new VersionStatus(version, "AVAILABLE", "OK", ""));
      } catch (TensorFlowException | IllegalArgumentException | UnsupportedOperationException
          | UncheckedIOException e) {
        metrics.recordLoad(dir.toString(), false, (System.nanoTime() - start) / 1000);
        VersionStatus failed = new VersionStatus(version, "END", "UNKNOWN",
            "Failed to load " + dir + ": " + e.getMessage());
        if (attempt >= retries.maxRetries()) {
          LOG.warning(failed.errorMessage() + (attempt > 0 ? " (after " + attempt + " retries)" : ""));
          return new Loaded(null, failed);
        }
        LOG.warning(failed.errorMessage() + "; retry " + (attempt + 1) + " of " + retries.maxRetries() + " in "
            + retries.interval().toMillis() + " ms");
        try {
          Thread.sleep(retries.interval().toMillis());
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();  // the server is closing
          return new Loaded(null, failed);
        }
      }
    }
  }

  /** The versions the policy wants among those on disk. */
  static Set<Long> aspired(ServableVersionPolicy policy, NavigableMap<Long, Path> found) {
    return switch (policy.getPolicyChoiceCase()) {
      case ALL -> found.keySet();
      case SPECIFIC -> {
        Set<Long> want = new HashSet<>(policy.getSpecific().getVersionsList());
        want.retainAll(found.keySet());
        yield want;
      }
      case LATEST, POLICYCHOICE_NOT_SET -> {
        int n = policy.hasLatest() && policy.getLatest().getNumVersions() > 0
            ? policy.getLatest().getNumVersions() : 1;
        Set<Long> want = new HashSet<>();
        found.descendingKeySet().stream().limit(n).forEach(want::add);
        yield want;
      }
    };
  }

  /** Numeric subdirectories of {@code base} that hold a saved_model.pb, by version. */
  static NavigableMap<Long, Path> versionsOnDisk(Path base) {
    NavigableMap<Long, Path> out = new TreeMap<>();
    if (!Files.isDirectory(base)) {
      return out;
    }
    try (Stream<Path> dirs = Files.list(base)) {
      dirs.filter(d -> VERSION_DIR.matcher(d.getFileName().toString()).matches())
          .filter(d -> Files.isRegularFile(d.resolve("saved_model.pb")))
          .forEach(d -> out.put(Long.parseLong(d.getFileName().toString()), d));
    } catch (IOException e) {
      LOG.warning("cannot list " + base + ": " + e.getMessage());
    }
    return out;
  }

  private static long stamp(Path dir) {
    try {
      return Files.getLastModifiedTime(dir.resolve("saved_model.pb")).toMillis();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A servable for a request (the caller must {@link Servable#release} it): the given version, the version a label
   * names, or the newest loaded one. Errors are TF Serving's.
   */
  public synchronized Servable acquire(String name, Long version, String label) {
    ModelState m = models.get(name);
    Long v = version;
    if (label != null) {
      Long labelled = m == null ? null : m.config.getVersionLabelsMap().get(label);
      if (labelled == null) {
        throw ServingException.invalidArgument("Unrecognized servable version label: " + label);
      }
      v = labelled;
    }
    Servable s = null;
    if (m != null) {
      s = v == null ? (m.loaded.isEmpty() ? null : m.loaded.lastEntry().getValue()) : m.loaded.get(v);
    }
    if (s == null || !s.acquire()) {
      throw ServingException.notFound("Servable not found for request: "
          + (v == null ? "Latest(" + name + ")" : "Specific(" + name + ", " + v + ")"));
    }
    return s;
  }

  /** Status of every version of a model seen so far (newest first), or of one version. */
  public synchronized List<VersionStatus> status(String name, Long version) {
    ModelState m = models.get(name);
    if (version != null) {
      VersionStatus s = m == null ? null : m.status.get(version);
      if (s == null) {
        throw ServingException.notFound("Could not find version " + version + " of model " + name);
      }
      return List.of(s);
    }
    if (m == null || m.status.isEmpty()) {
      throw ServingException.notFound("Could not find any versions of model " + name);
    }
    return new ArrayList<>(m.status.values());
  }

  /** The AVAILABLE versions of every model, by model name. */
  public synchronized Map<String, List<Long>> availableVersions() {
    Map<String, List<Long>> out = new LinkedHashMap<>();
    models.forEach((name, m) -> out.put(name, List.copyOf(m.loaded.keySet())));
    return out;
  }

  /** Names of the configured models. */
  public synchronized List<String> modelNames() {
    return List.copyOf(models.keySet());
  }

  @Override
  public synchronized void close() {
    models.values().forEach(m -> m.loaded.values().forEach(Servable::retire));
    models.clear();
  }
}
