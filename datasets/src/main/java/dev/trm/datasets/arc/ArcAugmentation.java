package dev.trm.datasets.arc;

/**
 * One augmentation of a task: a colour permutation followed by a dihedral transform (the official {@code aug}: the
 * colours are mapped first, then the grid is transformed; the two commute). Undone by {@link #invert}.
 */
public record ArcAugmentation(Dihedral dihedral, ColorPermutation colors) {
  /** No change: the original task. */
  public static final ArcAugmentation NONE = new ArcAugmentation(Dihedral.IDENTITY, ColorPermutation.IDENTITY);

  /** One draw as the official builder makes it: a transform id with {@code randint(0, 8)}, then a colour permutation. */
  static ArcAugmentation random(NumpyRandom random) {
    Dihedral dihedral = Dihedral.of(random.randint(0, 8));
    return new ArcAugmentation(dihedral, ColorPermutation.random(random));
  }

  /** The augmented grid. */
  public ArcGrid apply(ArcGrid grid) {
    return dihedral.apply(grid, colors);
  }

  /** The original grid of an augmented one: the inverse transform, then the inverse colour map. */
  public ArcGrid invert(ArcGrid augmented) {
    return dihedral.inverse().apply(augmented, colors.inverse());
  }
}
