package dev.trm.datasets;

import java.io.Serializable;

/**
 * Where a {@link TrainSampler} stands, small enough to store in a checkpoint: restoring it makes the sampler draw
 * exactly the batches it would have drawn next.
 *
 * @param seed the sampler's base seed
 * @param iteration iterations finished (one iteration = {@code epochsPerIter} passes over the groups)
 * @param position groups of the current iteration already consumed
 * @param batchInIteration batches already drawn in the current iteration
 * @param batchSize, epochsPerIter, numGroups the sampler's shape, checked on restore
 */
public record SamplerState(long seed, long iteration, long position, long batchInIteration, int batchSize,
    int epochsPerIter, int numGroups) implements Serializable {
  private static final long serialVersionUID = 1L;
}
