package dev.trm.datasets;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

class DihedralTest {
  private static final int[] GRID = {0, 1, 2, 3, 4, 5}; // 2 x 3

  @Test
  void matchesNumpyOnARectangle() {
    // np.rot90(a, k), np.fliplr, np.flipud, a.T, np.fliplr(np.rot90(a)) of np.arange(6).reshape(2, 3), flattened.
    int[][] numpy = {
      {0, 1, 2, 3, 4, 5}, {2, 5, 1, 4, 0, 3}, {5, 4, 3, 2, 1, 0}, {3, 0, 4, 1, 5, 2},
      {2, 1, 0, 5, 4, 3}, {3, 4, 5, 0, 1, 2}, {0, 3, 1, 4, 2, 5}, {5, 2, 4, 1, 3, 0}};
    for (int id = 0; id < 8; id++) {
      assertThat(Dihedral.of(id).apply(GRID, 2, 3)).isEqualTo(numpy[id]);
    }
  }

  @Test
  void inverseUndoesEveryTransform() {
    for (Dihedral d : Dihedral.values()) {
      int[] out = d.apply(GRID, 2, 3);
      int rows = d.swapsSides() ? 3 : 2;
      assertThat(d.inverse().apply(out, rows, 5 - rows)).isEqualTo(GRID);
    }
  }
}
