package dev.trm.datasets.arc;

import com.google.common.hash.HashCode;
import com.google.common.hash.HashFunction;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Chooses the distinct augmentations of one task as the official builder does: the original first, then random
 * (dihedral, colour permutation) draws, each kept only if the augmented task differs from every one kept so far, until
 * {@code numAug} are kept or {@code 5 * numAug} draws are spent.
 *
 * <p>Two variants are the same when they have the same multiset of (input, output) pairs over all the task's pairs
 * (demonstrations and tests), which the official code tests with a hash of the sorted pair hashes; here the pair hashes
 * are 128-bit Murmur3.
 */
final class ArcVariantPlanner {
  /** Draws allowed per wanted variant (official {@code ARCAugmentRetriesFactor}). */
  static final int RETRIES_FACTOR = 5;

  private static final HashFunction HASH = Hashing.murmur3_128();
  private static final Comparator<HashCode> BY_BYTES = (a, b) -> Arrays.compare(a.asBytes(), b.asBytes());

  private ArcVariantPlanner() {}

  /** The original ({@link ArcAugmentation#NONE}) followed by up to {@code numAug} distinct augmentations. */
  static List<ArcAugmentation> plan(ArcTask task, int numAug, NumpyRandom random) {
    List<ArcAugmentation> variants = new ArrayList<>(numAug + 1);
    variants.add(ArcAugmentation.NONE);
    if (numAug == 0) {
      return variants;
    }
    List<ArcPair> pairs = task.pairsInFileOrder();
    Set<HashCode> seen = new HashSet<>();
    seen.add(fingerprint(pairs, ArcAugmentation.NONE));
    for (int draw = 0; draw < RETRIES_FACTOR * numAug && variants.size() <= numAug; draw++) {
      ArcAugmentation augmentation = ArcAugmentation.random(random);
      if (seen.add(fingerprint(pairs, augmentation))) {
        variants.add(augmentation);
      }
    }
    return variants;
  }

  /** A hash of the multiset of augmented pairs: independent of pair order, different for different multisets. */
  static HashCode fingerprint(List<ArcPair> pairs, ArcAugmentation augmentation) {
    List<HashCode> pairHashes = new ArrayList<>(pairs.size());
    for (ArcPair pair : pairs) {
      Hasher h = HASH.newHasher();
      putGrid(h, augmentation.apply(pair.input()));
      putGrid(h, augmentation.apply(pair.output()));
      pairHashes.add(h.hash());
    }
    pairHashes.sort(BY_BYTES);
    Hasher all = HASH.newHasher();
    pairHashes.forEach(p -> all.putBytes(p.asBytes()));
    return all.hash();
  }

  private static void putGrid(Hasher h, ArcGrid grid) {
    int[] cells = grid.cells();
    byte[] bytes = new byte[cells.length];
    for (int i = 0; i < cells.length; i++) {
      bytes[i] = (byte) cells[i];
    }
    h.putInt(grid.height()).putInt(grid.width()).putBytes(bytes);
  }
}
