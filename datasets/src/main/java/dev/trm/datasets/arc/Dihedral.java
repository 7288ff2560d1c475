package dev.trm.datasets.arc;

/**
 * The 8 symmetries of the square with the official ids and numpy semantics on row-major grids
 * ({@code dataset/common.py: dihedral_transform}).
 *
 * <p>Each transform is stated as where output cell (i, j) reads from in the h x w source grid.
 */
public enum Dihedral {
  /** 0: identity. */
  IDENTITY(false) {
    @Override
    int source(int i, int j, int h, int w) {
      return i * w + j;
    }
  },
  /** 1: {@code np.rot90(a, 1)}, a quarter turn counter-clockwise. */
  ROT90(true) {
    @Override
    int source(int i, int j, int h, int w) {
      return j * w + (w - 1 - i);
    }
  },
  /** 2: {@code np.rot90(a, 2)}. */
  ROT180(false) {
    @Override
    int source(int i, int j, int h, int w) {
      return (h - 1 - i) * w + (w - 1 - j);
    }
  },
  /** 3: {@code np.rot90(a, 3)}, a quarter turn clockwise. */
  ROT270(true) {
    @Override
    int source(int i, int j, int h, int w) {
      return (h - 1 - j) * w + i;
    }
  },
  /** 4: {@code np.fliplr(a)}. */
  FLIP_LR(false) {
    @Override
    int source(int i, int j, int h, int w) {
      return i * w + (w - 1 - j);
    }
  },
  /** 5: {@code np.flipud(a)}. */
  FLIP_UD(false) {
    @Override
    int source(int i, int j, int h, int w) {
      return (h - 1 - i) * w + j;
    }
  },
  /** 6: {@code a.T}, reflection in the main diagonal. */
  TRANSPOSE(true) {
    @Override
    int source(int i, int j, int h, int w) {
      return j * w + i;
    }
  },
  /** 7: {@code np.fliplr(np.rot90(a, 1))}, reflection in the anti-diagonal. */
  ANTI_TRANSPOSE(true) {
    @Override
    int source(int i, int j, int h, int w) {
      return (h - 1 - j) * w + (w - 1 - i);
    }
  };

  /** Official inverse table: rot90 and rot270 undo each other, every other transform is its own inverse. */
  private static final int[] INVERSE_ID = {0, 3, 2, 1, 4, 5, 6, 7};

  private final boolean swapsSides;

  Dihedral(boolean swapsSides) {
    this.swapsSides = swapsSides;
  }

  /** Row-major index of the source cell that output cell (i, j) copies, for an h x w source. */
  abstract int source(int i, int j, int h, int w);

  /** The official id, 0..7. */
  public int id() {
    return ordinal();
  }

  /** The transform with official id {@code id}. */
  public static Dihedral of(int id) {
    if (id < 0 || id >= INVERSE_ID.length) {
      throw new IllegalArgumentException("dihedral transform id must be 0..7, got " + id);
    }
    return values()[id];
  }

  /** The transform that undoes this one. */
  public Dihedral inverse() {
    return values()[INVERSE_ID[ordinal()]];
  }

  /** This transform of {@code grid}. */
  public ArcGrid apply(ArcGrid grid) {
    return apply(grid, ColorPermutation.IDENTITY);
  }

  /** This transform of {@code grid} with every colour mapped through {@code colors}, in one pass. */
  ArcGrid apply(ArcGrid grid, ColorPermutation colors) {
    int h = grid.height();
    int w = grid.width();
    int outH = swapsSides ? w : h;
    int outW = swapsSides ? h : w;
    byte[] src = grid.cells();
    byte[] out = new byte[src.length];
    for (int i = 0, k = 0; i < outH; i++) {
      for (int j = 0; j < outW; j++, k++) {
        out[k] = colors.map(src[source(i, j, h, w)]);
      }
    }
    return ArcGrid.trusted(outH, outW, out);
  }
}
