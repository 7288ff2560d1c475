package dev.trm.datasets.arc;

import dev.trm.datasets.Dihedral;

/**
 * The name of one puzzle (one variant of one task) in {@code identifiers.json}, in the official TRM format: the
 * original is the plain task id, an augmented variant is {@code <task>|||t<dihedral id>|||<10-digit colour map>}.
 */
public record ArcPuzzleName(String taskId, ArcAugmentation augmentation) {
  /** The official separator between the task id, the transform and the colour map. */
  public static final String SEPARATOR = "|||";

  /** The identifier string. */
  public String identifier() {
    if (augmentation.equals(ArcAugmentation.NONE)) {
      return taskId;
    }
    return taskId + SEPARATOR + "t" + augmentation.dihedral().id() + SEPARATOR + augmentation.colors().name();
  }

  /**
   * Parses an identifier; a name without the separator is an original task.
   *
   * @throws IllegalArgumentException naming the identifier if its transform or colour map is malformed
   */
  public static ArcPuzzleName parse(String identifier) {
    int first = identifier.indexOf(SEPARATOR);
    if (first < 0) {
      return new ArcPuzzleName(identifier, ArcAugmentation.NONE);
    }
    String[] parts = identifier.split("\\|\\|\\|", -1);
    if (parts.length != 3 || !parts[1].startsWith("t") || parts[1].length() != 2) {
      throw new IllegalArgumentException("puzzle identifier '" + identifier
          + "' is not <task>|||t<0..7>|||<10-digit colour map>");
    }
    try {
      Dihedral dihedral = Dihedral.of(Character.digit(parts[1].charAt(1), 10));
      return new ArcPuzzleName(parts[0], new ArcAugmentation(dihedral, ColorPermutation.parse(parts[2])));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("puzzle identifier '" + identifier + "': " + e.getMessage(), e);
    }
  }
}
