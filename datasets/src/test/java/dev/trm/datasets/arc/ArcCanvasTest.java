package dev.trm.datasets.arc;

import static com.google.common.truth.Truth.assertThat;
import static dev.trm.datasets.arc.ArcCanvas.EOS;
import static dev.trm.datasets.arc.ArcCanvas.PAD;
import static dev.trm.datasets.arc.ArcCanvas.SIDE;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ArcCanvasTest {
  private static final ArcGrid GRID = ArcGrid.of(new int[][] {{0, 1, 2}, {3, 4, 9}});

  private static int at(int[] tokens, int row, int col) {
    return tokens[row * SIDE + col];
  }

  private static int count(int[] tokens, int token) {
    int n = 0;
    for (int t : tokens) {
      n += t == token ? 1 : 0;
    }
    return n;
  }

  @Test
  void placesColoursWithEosBelowAndRightAndPadInTheCorner() {
    int[] t = ArcCanvas.encode(GRID, 4, 5);
    assertThat(t).hasLength(900);
    assertThat(new int[] {at(t, 4, 5), at(t, 4, 6), at(t, 4, 7), at(t, 5, 5), at(t, 5, 6), at(t, 5, 7)})
        .isEqualTo(new int[] {2, 3, 4, 5, 6, 11});
    for (int c = 5; c < 8; c++) {
      assertThat(at(t, 6, c)).isEqualTo(EOS);
    }
    assertThat(at(t, 4, 8)).isEqualTo(EOS);
    assertThat(at(t, 5, 8)).isEqualTo(EOS);
    assertThat(at(t, 6, 8)).isEqualTo(PAD);
    assertThat(count(t, EOS)).isEqualTo(5);
    assertThat(count(t, PAD)).isEqualTo(900 - 6 - 5);
  }

  @Test
  void omitsEosBeyondTheCanvasEdge() {
    ArcGrid full = ArcGrid.of(new int[30][30]);
    assertThat(count(ArcCanvas.encode(full, 0, 0), EOS)).isEqualTo(0);

    ArcGrid wide = ArcGrid.of(new int[3][30]);
    int[] t = ArcCanvas.encode(wide, 0, 0);
    assertThat(count(t, EOS)).isEqualTo(30);
    assertThat(at(t, 3, 29)).isEqualTo(EOS);

    // A 3x2 grid in the bottom-right corner touches both edges: no EOS at all.
    assertThat(count(ArcCanvas.encode(ArcGrid.of(new int[3][2]), 27, 28), EOS)).isEqualTo(0);
    // Touching only the bottom edge: only the EOS column.
    int[] bottom = ArcCanvas.encode(ArcGrid.of(new int[3][2]), 27, 0);
    assertThat(count(bottom, EOS)).isEqualTo(3);
    assertThat(at(bottom, 29, 2)).isEqualTo(EOS);
  }

  @Test
  void rejectsAGridThatDoesNotFit() {
    assertThat(assertThrows(IllegalArgumentException.class, () -> ArcCanvas.encode(GRID, 29, 0)))
        .hasMessageThat().contains("does not fit");
  }

  @Test
  void cropReadsBackWhatEncodePlaced() {
    assertThat(ArcCanvas.crop(ArcCanvas.encode(GRID, 0, 0), 0, 0, 0)).isEqualTo(GRID);
    assertThat(ArcCanvas.crop(ArcCanvas.encode(GRID, 7, 3), 0, 7, 3)).isEqualTo(GRID);
    int[] twoRows = new int[1800];
    ArcCanvas.encode(GRID, 0, 0, twoRows);
    System.arraycopy(ArcCanvas.encode(ArcGrid.of(new int[][] {{5}}), 0, 0), 0, twoRows, 900, 900);
    assertThat(ArcCanvas.crop(twoRows, 900, 0, 0)).isEqualTo(ArcGrid.of(new int[][] {{5}}));
  }

  @Test
  void cropTakesTheLargestAreaAsTheOfficialRowScan() {
    // Row widths 3, 1, 1, 1, 1 (then PAD): areas 3, 2, 3, 4, 5, so the 5x1 column wins over the 1x3 row.
    int[] t = new int[900];
    int[][] colours = {{2, 3, 4}, {5}, {6}, {7}, {8}};
    for (int r = 0; r < colours.length; r++) {
      for (int c = 0; c < colours[r].length; c++) {
        t[r * SIDE + c] = colours[r][c];
      }
      t[r * SIDE + colours[r].length] = EOS;
    }
    assertThat(ArcCanvas.crop(t, 0, 0, 0)).isEqualTo(ArcGrid.of(new int[][] {{0}, {3}, {4}, {5}, {6}}));
  }

  @Test
  void cropOfANonColourCornerIsEmpty() {
    int[] t = ArcCanvas.encode(GRID, 0, 1);
    assertThat(ArcCanvas.crop(t, 0, 0, 0)).isEqualTo(ArcGrid.EMPTY);
    assertThat(ArcGrid.EMPTY.toRows()).isEmpty();
  }
}
