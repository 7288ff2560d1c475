package dev.trm.datasets.arc;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.datasets.Dihedral;
import org.junit.jupiter.api.Test;

class ArcAugmentationTest {
  private static final ArcGrid GRID = ArcGrid.of(new int[][] {{0, 1, 2}, {3, 4, 5}});

  @Test
  void appliesTheColourMapThenTheTransform() {
    // np.rot90(mapping[a]) with mapping = [0, 9, 8, 7, 6, 5, 4, 3, 2, 1] and a = [[0, 1, 2], [3, 4, 5]].
    ArcAugmentation aug = new ArcAugmentation(Dihedral.ROT90, ColorPermutation.parse("0987654321"));
    assertThat(aug.apply(GRID)).isEqualTo(ArcGrid.of(new int[][] {{8, 5}, {9, 6}, {0, 7}}));
  }

  @Test
  void invertUndoesEveryTransformAndColourMap() {
    for (Dihedral d : Dihedral.values()) {
      for (String colors : new String[] {"0123456789", "0987654321", "0381726549"}) {
        ArcAugmentation aug = new ArcAugmentation(d, ColorPermutation.parse(colors));
        assertThat(aug.invert(aug.apply(GRID))).isEqualTo(GRID);
      }
    }
  }

  @Test
  void colourPermutationNamesAndInverse() {
    ColorPermutation p = ColorPermutation.parse("0381726549");
    assertThat(p.map(1)).isEqualTo(3);
    assertThat(p.map(0)).isEqualTo(0);
    assertThat(p.name()).isEqualTo("0381726549");
    assertThat(p.inverse().map(3)).isEqualTo(1);
    assertThat(p.inverse().inverse()).isEqualTo(p);
    ColorPermutation drawn = ColorPermutation.random(new NumpyRandom(42));
    assertThat(drawn.map(0)).isEqualTo(0);
  }

  @Test
  void rejectsBadColourPermutations() {
    assertThat(assertThrows(IllegalArgumentException.class, () -> ColorPermutation.parse("012345678")))
        .hasMessageThat().contains("10 digits");
    assertThat(assertThrows(IllegalArgumentException.class, () -> ColorPermutation.parse("0113456789")))
        .hasMessageThat().contains("not a permutation");
    assertThat(assertThrows(IllegalArgumentException.class, () -> ColorPermutation.parse("1023456789")))
        .hasMessageThat().contains("colour 0 fixed");
  }

  @Test
  void puzzleNamesRoundTrip() {
    ArcAugmentation aug = new ArcAugmentation(Dihedral.TRANSPOSE, ColorPermutation.parse("0381726549"));
    ArcPuzzleName name = new ArcPuzzleName("007bbfb7", aug);
    assertThat(name.identifier()).isEqualTo("007bbfb7|||t6|||0381726549");
    assertThat(ArcPuzzleName.parse(name.identifier())).isEqualTo(name);
    assertThat(new ArcPuzzleName("007bbfb7", ArcAugmentation.NONE).identifier()).isEqualTo("007bbfb7");
    assertThat(ArcPuzzleName.parse("Count3")).isEqualTo(new ArcPuzzleName("Count3", ArcAugmentation.NONE));
  }

  @Test
  void rejectsMalformedPuzzleNames() {
    for (String bad : new String[] {"abc|||t8|||0123456789", "abc|||x1|||0123456789", "abc|||t1", "abc|||t1|||01"}) {
      assertThat(assertThrows(IllegalArgumentException.class, () -> ArcPuzzleName.parse(bad)))
          .hasMessageThat().contains(bad);
    }
  }
}
