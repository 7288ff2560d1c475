package dev.trm.datasets.arc;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.trm.datasets.Dihedral;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Augment, encode, crop and invert gives back every grid of every ARC-AGI-1 task (training and evaluation, all pairs),
 * for all 8 transforms times several colour permutations, at the origin and translated.
 */
class ArcRoundTripTest {
  private static List<ArcSubset> arc1;
  private static List<ColorPermutation> permutations;

  @BeforeAll
  static void load() {
    arc1 = new ArcSources(ArcTestData.root()).resolve("arc-agi-1");
    NumpyRandom random = new NumpyRandom(7);
    permutations = new ArrayList<>(List.of(ColorPermutation.IDENTITY, ColorPermutation.parse("0987654321")));
    permutations.add(ColorPermutation.random(random));
    permutations.add(ColorPermutation.random(random));
  }

  @Test
  void readsAllOfArcAgi1() {
    assertThat(arc1.stream().map(ArcSubset::name).toList())
        .containsExactly("arc-agi-1/training", "arc-agi-1/evaluation").inOrder();
    assertThat(arc1.get(0).tasks()).hasSize(400);
    assertThat(arc1.get(1).tasks()).hasSize(400);
    assertThat(arc1.get(0).tasks().stream().mapToInt(t -> t.train().size()).sum()).isEqualTo(1302);
    assertThat(arc1.get(1).tasks().stream().mapToInt(t -> t.test().size()).sum()).isEqualTo(419);
  }

  @Test
  void augmentThenInvertIsTheIdentityOnEveryGrid() {
    NumpyRandom offsets = new NumpyRandom(1);
    int[] tokens = new int[ArcCanvas.SEQ_LEN];
    long checked = 0;
    for (ArcSubset subset : arc1) {
      for (ArcTask task : subset.tasks()) {
        for (ArcPair pair : task.pairsInFileOrder()) {
          for (Dihedral d : Dihedral.values()) {
            for (ColorPermutation colors : permutations) {
              ArcAugmentation aug = new ArcAugmentation(d, colors);
              ArcPair augmented = pair.augment(aug);
              int maxH = Math.max(augmented.input().height(), augmented.output().height());
              int maxW = Math.max(augmented.input().width(), augmented.output().width());
              int row0 = offsets.randint(0, ArcCanvas.SIDE - maxH + 1);
              int col0 = offsets.randint(0, ArcCanvas.SIDE - maxW + 1);
              for (ArcGrid original : new ArcGrid[] {pair.input(), pair.output()}) {
                ArcGrid grid = aug.apply(original);
                for (int[] at : new int[][] {{0, 0}, {row0, col0}}) {
                  ArcCanvas.encode(grid, at[0], at[1], tokens);
                  ArcGrid back = aug.invert(ArcCanvas.crop(tokens, 0, at[0], at[1]));
                  if (!back.equals(original)) {
                    assertWithMessage("task %s, %s, at (%s, %s)", task.id(), aug, at[0], at[1])
                        .that(back).isEqualTo(original);
                  }
                  checked++;
                }
              }
            }
          }
        }
      }
    }
    // 800 tasks x 3500 pairs x 2 grids x 8 transforms x 4 colour maps x 2 placements.
    assertThat(checked).isEqualTo((1302 + 416 + 1363 + 419) * 2L * 8 * 4 * 2);
  }
}
