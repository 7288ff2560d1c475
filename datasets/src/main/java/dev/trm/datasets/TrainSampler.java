package dev.trm.datasets;

import com.google.common.hash.Hashing;
import java.util.SplittableRandom;

/**
 * The official training sampler, seeded and resumable.
 *
 * <p>Each iteration walks {@code epochsPerIter} independent random permutations of the groups. For each group it
 * picks one random puzzle and adds all of that puzzle's examples in random order; a puzzle that would overflow the
 * batch contributes only what fits (the rest is dropped, as in the official code). The incomplete batch at the end
 * of an iteration is dropped and the next iteration starts. {@link #next()} never ends.
 *
 * <p>Every random draw comes from a generator keyed by (seed, iteration, epoch or batch number), so the state is
 * just a few counters ({@link SamplerState}) and a restored sampler continues with identical batches.
 */
public final class TrainSampler {
  private static final int PERMUTATION_STREAM = 0;
  private static final int BATCH_STREAM = 1;

  private final PuzzleDataset data;
  private final BatchReader reader;
  private final int batchSize;
  private final int epochsPerIter;
  private final int numGroups;
  private long seed;
  private long iteration;
  private long position;
  private long batchInIteration;
  private int[] permutation;
  private long permutationKey = -1;
  private long permutationIteration = -1;

  /** A sampler with one epoch per iteration. */
  public TrainSampler(PuzzleDataset train, int batchSize, long seed) {
    this(train, batchSize, seed, 1);
  }

  /**
   * @param epochsPerIter passes over the groups concatenated per iteration (the official {@code epochs_per_iter},
   *     = eval_interval); only the last batch of an iteration is dropped, so larger values waste fewer examples
   */
  public TrainSampler(PuzzleDataset train, int batchSize, long seed, int epochsPerIter) {
    if (batchSize <= 0 || epochsPerIter <= 0) {
      throw new IllegalArgumentException("batchSize and epochsPerIter must be positive, got " + batchSize + ", " + epochsPerIter);
    }
    this.data = train;
    this.reader = new BatchReader(train);
    this.batchSize = batchSize;
    this.epochsPerIter = epochsPerIter;
    this.numGroups = train.numGroups();
    this.seed = seed;
    long mostPerIteration = 0;
    for (int g = 0; g < numGroups; g++) {
      long largest = 0;
      for (int p = train.groupStart(g); p < train.groupEnd(g); p++) {
        largest = Math.max(largest, train.puzzleEnd(p) - train.puzzleStart(p));
      }
      mostPerIteration += largest;
    }
    if (mostPerIteration * epochsPerIter < batchSize) {
      throw new IllegalArgumentException(train.splitDir() + ": batch size " + batchSize + " exceeds the at most "
          + mostPerIteration * epochsPerIter + " examples one iteration can draw");
    }
  }

  /** The next full batch. */
  public Batch next() {
    while (true) {
      Batch b = fillFromCurrentIteration();
      if (b != null) {
        batchInIteration++;
        return b;
      }
      iteration++;
      position = 0;
      batchInIteration = 0;
    }
  }

  /** A full batch, or null when the current iteration runs out of groups first (that partial batch is dropped). */
  private Batch fillFromCurrentIteration() {
    SplittableRandom rng = random(BATCH_STREAM, iteration, batchInIteration);
    int seqLen = data.seqLen();
    int[] inputs = new int[batchSize * seqLen];
    int[] labels = new int[batchSize * seqLen];
    int[] puzzleIds = new int[batchSize];
    long end = (long) epochsPerIter * numGroups;
    long pos = position;
    int filled = 0;
    while (filled < batchSize) {
      if (pos == end) {
        return null;
      }
      int group = groupAt(pos++);
      int puzzle = data.groupStart(group) + rng.nextInt(data.groupEnd(group) - data.groupStart(group));
      long start = data.puzzleStart(puzzle);
      int size = (int) (data.puzzleEnd(puzzle) - start);
      int take = Math.min(size, batchSize - filled);
      int[] order = Permutations.choose(size, take, rng);
      for (int k = 0; k < take; k++) {
        reader.fill(inputs, labels, puzzleIds, filled++, start + order[k], puzzle);
      }
    }
    position = pos;
    return new Batch(batchSize, seqLen, inputs, labels, puzzleIds, batchSize);
  }

  /** Group at {@code pos} of the current iteration's concatenated permutations (one permutation cached). */
  private int groupAt(long pos) {
    long epochInIteration = pos / numGroups;
    if (epochInIteration != permutationKey || iteration != permutationIteration) {
      permutation = Permutations.random(numGroups, random(PERMUTATION_STREAM, iteration, epochInIteration));
      permutationKey = epochInIteration;
      permutationIteration = iteration;
    }
    return permutation[(int) (pos % numGroups)];
  }

  private SplittableRandom random(int stream, long a, long b) {
    long key = Hashing.murmur3_128().newHasher().putLong(seed).putInt(stream).putLong(a).putLong(b).hash().asLong();
    return new SplittableRandom(key);
  }

  /** Whole epochs (passes over the groups) consumed so far. */
  public long epoch() {
    return (long) Math.floor(epochsDone());
  }

  /** Epochs consumed so far, with the fraction of the current pass. */
  public double epochsDone() {
    return iteration * epochsPerIter + (double) position / numGroups;
  }

  public int batchSize() {
    return batchSize;
  }

  /** The state after the last batch returned. */
  public SamplerState state() {
    return new SamplerState(seed, iteration, position, batchInIteration, batchSize, epochsPerIter, numGroups);
  }

  /** Continues from {@code state}; it must come from a sampler with the same batch size, epochsPerIter and groups. */
  public void restore(SamplerState state) {
    if (state.batchSize() != batchSize || state.epochsPerIter() != epochsPerIter || state.numGroups() != numGroups) {
      throw new IllegalArgumentException("sampler state for batch " + state.batchSize() + ", epochsPerIter "
          + state.epochsPerIter() + ", " + state.numGroups() + " groups does not fit this sampler (batch " + batchSize
          + ", epochsPerIter " + epochsPerIter + ", " + numGroups + " groups of " + data.splitDir() + ")");
    }
    if (state.position() < 0 || state.position() > (long) epochsPerIter * numGroups || state.iteration() < 0) {
      throw new IllegalArgumentException("sampler state position " + state.position() + " / iteration "
          + state.iteration() + " out of range");
    }
    seed = state.seed();
    iteration = state.iteration();
    position = state.position();
    batchInIteration = state.batchInIteration();
    permutationKey = -1;
  }
}
