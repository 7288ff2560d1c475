package dev.trm.datasets.arc;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.datasets.Dihedral;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArcVariantPlannerTest {
  private static ArcTask task(int[][]... grids) {
    return new ArcTask("t", List.of(new ArcPair(ArcGrid.of(grids[0]), ArcGrid.of(grids[1]))),
        List.of(new ArcPair(ArcGrid.of(grids[2]), ArcGrid.of(grids[3]))), false);
  }

  @Test
  void keepsTheOriginalFirstThenDistinctVariants() {
    ArcTask task = task(new int[][] {{1, 2}, {3, 4}}, new int[][] {{5}}, new int[][] {{6, 7}}, new int[][] {{8, 9, 0}});
    List<ArcAugmentation> variants = ArcVariantPlanner.plan(task, 50, new NumpyRandom(42));
    assertThat(variants).hasSize(51);
    assertThat(variants.get(0)).isEqualTo(ArcAugmentation.NONE);
    Set<Object> fingerprints = new HashSet<>();
    for (ArcAugmentation aug : variants) {
      fingerprints.add(ArcVariantPlanner.fingerprint(task.pairsInFileOrder(), aug));
    }
    assertThat(fingerprints).hasSize(51);
  }

  @Test
  void stopsAfterFiveDrawsPerWantedVariantWhenTheTaskIsSymmetric() {
    // Only colours 0 and 1 on 1x1 grids: the transform does nothing, so 9 colour choices for 1 give 8 augmentations.
    ArcTask twoColours = task(new int[][] {{1}}, new int[][] {{0}}, new int[][] {{1}}, new int[][] {{1}});
    NumpyRandom random = new NumpyRandom(42);
    List<ArcAugmentation> variants = ArcVariantPlanner.plan(twoColours, 20, random);
    assertThat(variants).hasSize(9);
    // Exactly 5 * 20 draws were spent: the stream continues where 100 draws from the same seed end.
    NumpyRandom replay = new NumpyRandom(42);
    for (int i = 0; i < ArcVariantPlanner.RETRIES_FACTOR * 20; i++) {
      ArcAugmentation.random(replay);
    }
    assertThat(random.nextUint32()).isEqualTo(replay.nextUint32());

    ArcTask black = task(new int[][] {{0}}, new int[][] {{0}}, new int[][] {{0}}, new int[][] {{0}});
    assertThat(ArcVariantPlanner.plan(black, 3, new NumpyRandom(1))).containsExactly(ArcAugmentation.NONE);
  }

  @Test
  void fingerprintIgnoresPairOrderButNotPairing() {
    ArcPair a = new ArcPair(ArcGrid.of(new int[][] {{1}}), ArcGrid.of(new int[][] {{2}}));
    ArcPair b = new ArcPair(ArcGrid.of(new int[][] {{3}}), ArcGrid.of(new int[][] {{4}}));
    ArcPair crossedA = new ArcPair(ArcGrid.of(new int[][] {{1}}), ArcGrid.of(new int[][] {{4}}));
    ArcPair crossedB = new ArcPair(ArcGrid.of(new int[][] {{3}}), ArcGrid.of(new int[][] {{2}}));
    ArcAugmentation none = ArcAugmentation.NONE;
    assertThat(ArcVariantPlanner.fingerprint(List.of(a, b), none))
        .isEqualTo(ArcVariantPlanner.fingerprint(List.of(b, a), none));
    assertThat(ArcVariantPlanner.fingerprint(List.of(a, b), none))
        .isNotEqualTo(ArcVariantPlanner.fingerprint(List.of(crossedA, crossedB), none));
    // A 1x2 grid and its transpose have the same cells but not the same shape.
    ArcPair row = new ArcPair(ArcGrid.of(new int[][] {{1, 2}}), ArcGrid.of(new int[][] {{1}}));
    ArcAugmentation transpose = new ArcAugmentation(Dihedral.TRANSPOSE, ColorPermutation.IDENTITY);
    assertThat(ArcVariantPlanner.fingerprint(List.of(row), transpose))
        .isNotEqualTo(ArcVariantPlanner.fingerprint(List.of(row), none));
  }

  @Test
  void noAugmentationDrawsNothing() {
    NumpyRandom random = new NumpyRandom(42);
    ArcTask task = task(new int[][] {{1}}, new int[][] {{2}}, new int[][] {{3}}, new int[][] {{4}});
    assertThat(ArcVariantPlanner.plan(task, 0, random)).containsExactly(ArcAugmentation.NONE);
    assertThat(random.nextUint32()).isEqualTo(new NumpyRandom(42).nextUint32());
  }
}
