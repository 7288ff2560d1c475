package dev.trm.datasets.arc;

import java.util.List;

/**
 * A named collection of tasks read from one source (e.g. {@code arc-agi-1/evaluation}), in source order.
 *
 * @param hasTestOutputs false when the source has no test solutions and the test outputs are dummy [[0]] grids
 */
public record ArcSubset(String name, List<ArcTask> tasks, boolean hasTestOutputs) {
  public ArcSubset {
    tasks = List.copyOf(tasks);
  }

  /** The last component of the name: {@code evaluation} for {@code arc-agi-1/evaluation}. */
  public String shortName() {
    return name.substring(name.lastIndexOf('/') + 1);
  }
}
