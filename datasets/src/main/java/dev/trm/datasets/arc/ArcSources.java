package dev.trm.datasets.arc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves subset names to tasks under an ARC data root laid out as {@code ../shared/data/arc}:
 *
 * <ul>
 *   <li>{@code arc-agi-1} = {@code arc-agi-1/training} + {@code arc-agi-1/evaluation}; likewise {@code arc-agi-2}
 *       (per-task JSON folders, tasks sorted by file name);
 *   <li>{@code concept} = the 160 ConceptARC corpus tasks ({@code conceptarc/corpus}, sorted by path);
 *   <li>{@code kaggle/<subset>} = TRM's own input files {@code trm-kaggle-combined/arc-agi_<subset>_challenges.json} +
 *       {@code _solutions.json}, subsets {@code training, evaluation, training2, evaluation2, concept}, tasks in file
 *       order (without a solutions file the test outputs are the dummy [[0]]). These reproduce the official builds; {@code kaggle/evaluation2} is the older ARC-AGI-2 evaluation that
 *       TRM reports on.
 * </ul>
 */
public final class ArcSources {
  private static final String KAGGLE_PREFIX = "kaggle/";
  private static final List<String> FOLDER_SUBSETS = List.of(
      "arc-agi-1/training", "arc-agi-1/evaluation", "arc-agi-2/training", "arc-agi-2/evaluation");

  private final Path root;

  /** Subsets under {@code root} (e.g. {@code ../shared/data/arc}). */
  public ArcSources(Path root) {
    this.root = root;
  }

  /** The subsets that a comma-separated list of names stands for, in order (shorthands expanded). */
  public List<ArcSubset> resolve(List<String> names) {
    List<ArcSubset> subsets = new ArrayList<>();
    for (String name : names) {
      subsets.addAll(resolve(name.trim()));
    }
    return subsets;
  }

  /** The subsets one name stands for. */
  public List<ArcSubset> resolve(String name) {
    if (name.equals("arc-agi-1") || name.equals("arc-agi-2")) {
      return List.of(folder(name + "/training"), folder(name + "/evaluation"));
    }
    if (FOLDER_SUBSETS.contains(name)) {
      return List.of(folder(name));
    }
    if (name.equals("concept")) {
      return List.of(new ArcSubset(name, ArcTaskReader.readTaskFolder(root.resolve("conceptarc/corpus")), true));
    }
    if (name.startsWith(KAGGLE_PREFIX) && name.length() > KAGGLE_PREFIX.length()) {
      return List.of(kaggle(name.substring(KAGGLE_PREFIX.length())));
    }
    throw new IllegalArgumentException("unknown ARC subset '" + name + "'; known: arc-agi-1, arc-agi-2, "
        + String.join(", ", FOLDER_SUBSETS) + ", concept, kaggle/{training,evaluation,training2,evaluation2,concept}");
  }

  private ArcSubset folder(String name) {
    return new ArcSubset(name, ArcTaskReader.readTaskFolder(root.resolve(name)), true);
  }

  private ArcSubset kaggle(String subset) {
    Path solutions = kaggleFile(subset, "solutions");
    boolean solved = Files.isRegularFile(solutions);
    return new ArcSubset(KAGGLE_PREFIX + subset,
        ArcTaskReader.readKaggle(kaggleFile(subset, "challenges"), solved ? solutions : null), solved);
  }

  private Path kaggleFile(String subset, String kind) {
    return root.resolve("trm-kaggle-combined").resolve("arc-agi_" + subset + "_" + kind + ".json");
  }
}
