package dev.trm.training;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.trm.model.ModelDims;
import dev.trm.model.config.TrmConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a checkpoint can be continued under a config: the model (arch, dataset dims) must be the same, and for
 * an exact resume also what shapes the run's state (batch, loop, sampler epochs per iteration, optimizer, EMA, seed).
 */
final class ConfigCompatibility {
  /** Train keys a resumed run must keep; the rest (epochs, lr, budget, ...) may change. */
  private static final List<String> RESUME_KEYS = List.of("global_batch_size", "eval_interval", "optimizer",
      "ema_rate", "loop", "seed");

  private ConfigCompatibility() {}

  /** Throws a {@link CheckpointException} listing every key that differs. */
  static void check(TrmConfig saved, TrmConfig current, ModelDims savedDims, ModelDims currentDims,
      boolean weightsOnly, Path checkpoint) {
    List<String> problems = new ArrayList<>();
    diff("arch.", saved.getArch(), current.getArch(), null, problems);
    if (!savedDims.equals(currentDims)) {
      problems.add("dataset dims " + savedDims + " (checkpoint) vs " + currentDims + " (now)");
    }
    if (!weightsOnly) {
      diff("train.", saved.getTrain(), current.getTrain(), RESUME_KEYS, problems);
    }
    if (!problems.isEmpty()) {
      throw new CheckpointException("checkpoint " + checkpoint + " does not fit this config: "
          + String.join("; ", problems));
    }
  }

  private static void diff(String prefix, Message a, Message b, List<String> only, List<String> problems) {
    for (FieldDescriptor f : a.getDescriptorForType().getFields()) {
      if (only != null && !only.contains(f.getName())) {
        continue;
      }
      Object x = a.getField(f);
      Object y = b.getField(f);
      if (!x.equals(y)) {
        problems.add(prefix + f.getName() + " " + x + " (checkpoint) vs " + y + " (now)");
      }
    }
  }
}
