package dev.trm.datasets.arc;

import dev.trm.datasets.DatasetMetadata;
import java.util.List;
import java.util.Map;

/**
 * What {@link ArcDatasetBuilder#build} wrote.
 *
 * @param tasksPerSubset task count of each subset, in build order
 * @param numIdentifiers puzzle identifiers including the blank id 0 (num_puzzle_identifiers)
 * @param tasksShortOfVariants tasks that have fewer distinct augmentations than asked for (symmetric tasks), each as
 *     {@code "<task> (<augmentations found>)"}
 */
public record ArcBuildSummary(
    Map<String, Integer> tasksPerSubset,
    String testSubset,
    int numAug,
    long seed,
    int numIdentifiers,
    Split train,
    Split test,
    List<String> tasksShortOfVariants,
    double seconds) {

  /** One written split: its example count and its dataset.json. */
  public record Split(long examples, DatasetMetadata metadata) {}
}
