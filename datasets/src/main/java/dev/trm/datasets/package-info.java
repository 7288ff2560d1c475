/**
 * Datasets in the official TRM/HRM on-disk layout, in plain Java.
 *
 * <p>A dataset directory holds {@code identifiers.json} and one directory per split ({@code train}, {@code test}),
 * each with {@code dataset.json} ({@link dev.trm.datasets.DatasetMetadata}) and five numpy arrays
 * {@code all__{inputs,labels,puzzle_identifiers,puzzle_indices,group_indices}.npy}: examples (rows of token ids),
 * grouped into puzzles (one puzzle-embedding id each), grouped into groups (an original and its augmentations).
 *
 * <p>Writing: {@link dev.trm.datasets.DatasetWriter} streams a split ({@link dev.trm.datasets.NpyWriter} underneath,
 * byte-compatible with {@code numpy.save}); every file is published durably ({@link dev.trm.datasets.DurableFiles}:
 * fsynced, renamed into place, its directory fsynced). Reading: {@link dev.trm.datasets.PuzzleDataset} maps a split in
 * chunks ({@link dev.trm.datasets.NpyArray}, arrays over 2 GB included) and refuses token ids outside the vocabulary.
 * Batches: {@link dev.trm.datasets.TrainSampler}
 * (the official sampler, seeded and resumable) and {@link dev.trm.datasets.TestIterator} (file order, padded).
 * Builders live in the {@code sudoku}, {@code maze} and {@code arc} subpackages.
 */
package dev.trm.datasets;
