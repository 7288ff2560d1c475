package dev.trm.datasets.arc;

import dev.trm.datasets.Dihedral;

/**
 * One augmentation of a task: a colour permutation and a dihedral transform (the official {@code aug} maps the colours,
 * then transforms the grid; the two commute). Undone by {@link #invert}.
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
    return transform(grid, dihedral, colors);
  }

  /** The original grid of an augmented one: the inverse transform, then the inverse colour map. */
  public ArcGrid invert(ArcGrid augmented) {
    return transform(augmented, dihedral.inverse(), colors.inverse());
  }

  private static ArcGrid transform(ArcGrid grid, Dihedral dihedral, ColorPermutation colors) {
    int[] cells = dihedral.apply(grid.cells(), grid.height(), grid.width());
    for (int i = 0; i < cells.length; i++) {
      cells[i] = colors.map(cells[i]);
    }
    boolean swap = dihedral.swapsSides();
    return ArcGrid.trusted(swap ? grid.width() : grid.height(), swap ? grid.height() : grid.width(), cells);
  }
}
