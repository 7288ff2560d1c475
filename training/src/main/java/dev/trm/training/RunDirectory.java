package dev.trm.training;

import com.google.protobuf.TextFormat;
import dev.trm.datasets.DurableFiles;
import dev.trm.model.config.TrmConfig;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A run directory: {@code config.pbtxt}, {@code metrics.jsonl}, {@code tensorboard/}, {@code checkpoints/step_<N>/}
 * and {@code export/}.
 */
public record RunDirectory(Path root) {

  /** {@code runs/<config name>-<yyyyMMdd-HHmmss>}. */
  public static RunDirectory defaultFor(TrmConfig config) {
    String time = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return new RunDirectory(Path.of("runs", config.getName() + "-" + time));
  }

  /** The run directory a checkpoint directory {@code <run>/checkpoints/step_<N>} belongs to, if it is laid out so. */
  public static RunDirectory ofCheckpoint(Path checkpointDir) {
    Path parent = checkpointDir.toAbsolutePath().getParent();
    if (parent != null && parent.getFileName().toString().equals("checkpoints") && parent.getParent() != null) {
      return new RunDirectory(parent.getParent());
    }
    throw new IllegalArgumentException(checkpointDir + " is not inside <run>/checkpoints/; pass --run-dir");
  }

  /** Creates the directory and writes the config used, durably. */
  void create(TrmConfig config) {
    DurableFiles.createDirectories(checkpoints());
    DurableFiles.writeString(root.resolve("config.pbtxt"), TextFormat.printer().printToString(config));
  }

  public Path checkpoints() {
    return root.resolve("checkpoints");
  }

  public Path metrics() {
    return root.resolve("metrics.jsonl");
  }

  public Path tensorboard() {
    return root.resolve("tensorboard");
  }

  public Path export() {
    return root.resolve("export");
  }
}
