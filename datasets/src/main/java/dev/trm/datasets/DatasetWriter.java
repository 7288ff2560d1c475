package dev.trm.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Streams one split to disk in the official layout: groups of puzzles of examples, each example an
 * {@code (inputs, labels)} pair of {@code seqLen} token ids. Heap use is bounded (arrays go straight to disk).
 *
 * <p>Usage: {@code beginGroup(); beginPuzzle(id); addExample(in, out); ...; finish(template)}. Arrays are written
 * to {@code .partial} files and moved into place by {@link #finish}, which writes {@code dataset.json} last; until
 * then an older dataset in the same directory stays intact. {@link #close()} without {@code finish} discards the
 * partial files.
 */
public final class DatasetWriter implements AutoCloseable {
  private final Path splitDir;
  private final int seqLen;
  private final NpyWriter inputs;
  private final NpyWriter labels;
  private final NpyWriter puzzleIdentifiers;
  private final NpyWriter puzzleIndices;
  private final NpyWriter groupIndices;
  private long examples;
  private int puzzles;
  private int groups;
  private long puzzleStartExample = -1;
  private int groupStartPuzzle = -1;
  private int maxToken;
  private int maxPuzzleId;
  private boolean done;

  private DatasetWriter(Path splitDir, int seqLen) {
    this.splitDir = splitDir;
    this.seqLen = seqLen;
    this.inputs = NpyWriter.create(PuzzleDataset.arrayFile(splitDir, "inputs"), NpyDtype.UINT8, seqLen);
    this.labels = NpyWriter.create(PuzzleDataset.arrayFile(splitDir, "labels"), NpyDtype.UINT8, seqLen);
    this.puzzleIdentifiers = NpyWriter.create(PuzzleDataset.arrayFile(splitDir, "puzzle_identifiers"), NpyDtype.INT32);
    this.puzzleIndices = NpyWriter.create(PuzzleDataset.arrayFile(splitDir, "puzzle_indices"), NpyDtype.INT32);
    this.groupIndices = NpyWriter.create(PuzzleDataset.arrayFile(splitDir, "group_indices"), NpyDtype.INT32);
    puzzleIndices.append(0);
    groupIndices.append(0);
  }

  /** Starts writing split {@code split} of the dataset at {@code datasetDir}; rows hold {@code seqLen} tokens. */
  public static DatasetWriter create(Path datasetDir, String split, int seqLen) {
    if (seqLen <= 0) {
      throw new IllegalArgumentException("seqLen must be positive, got " + seqLen);
    }
    return new DatasetWriter(datasetDir.resolve(split), seqLen);
  }

  /** Closes the current group (if any) and opens a new one. */
  public void beginGroup() {
    ensureOpen();
    endPuzzle();
    endGroup();
    groupStartPuzzle = puzzles;
  }

  /** Closes the current puzzle (if any) and opens a new one in the current group, with embedding id {@code puzzleId}. */
  public void beginPuzzle(int puzzleId) {
    ensureOpen();
    if (groupStartPuzzle < 0) {
      throw new IllegalStateException("beginPuzzle before beginGroup");
    }
    if (puzzleId < 0) {
      throw new IllegalArgumentException("puzzle id must be >= 0, got " + puzzleId);
    }
    endPuzzle();
    puzzleIdentifiers.append(puzzleId);
    maxPuzzleId = Math.max(maxPuzzleId, puzzleId);
    puzzleStartExample = examples;
  }

  /** Adds one example to the current puzzle; token ids must lie in 0..255 (labels use raw ids, 0 = ignored). */
  public void addExample(int[] exampleInputs, int[] exampleLabels) {
    ensureOpen();
    if (puzzleStartExample < 0) {
      throw new IllegalStateException("addExample before beginPuzzle");
    }
    checkRow("inputs", exampleInputs);
    checkRow("labels", exampleLabels);
    inputs.append(exampleInputs);
    labels.append(exampleLabels);
    examples++;
  }

  private void checkRow(String what, int[] row) {
    if (row.length != seqLen) {
      throw new IllegalArgumentException(splitDir + ": example " + examples + " " + what + " has " + row.length
          + " tokens, expected seq_len " + seqLen);
    }
    for (int t : row) {
      maxToken = Math.max(maxToken, t);
    }
  }

  private void endPuzzle() {
    if (puzzleStartExample < 0) {
      return;
    }
    if (examples == puzzleStartExample) {
      throw new IllegalStateException(splitDir + ": puzzle " + puzzles + " has no examples");
    }
    puzzles++;
    puzzleIndices.append(Math.toIntExact(examples));
    puzzleStartExample = -1;
  }

  private void endGroup() {
    if (groupStartPuzzle < 0) {
      return;
    }
    if (puzzles == groupStartPuzzle) {
      throw new IllegalStateException(splitDir + ": group " + groups + " has no puzzles");
    }
    groups++;
    groupIndices.append(puzzles);
    groupStartPuzzle = -1;
  }

  /** Examples written so far. */
  public long numExamples() {
    return examples;
  }

  /**
   * Closes the last group, moves the arrays into place and writes {@code dataset.json}: {@code template} with
   * total_groups, total_puzzles and mean_puzzle_examples computed. Checks that every token is below vocab_size and
   * every puzzle id below num_puzzle_identifiers.
   */
  public DatasetMetadata finish(DatasetMetadata template) {
    ensureOpen();
    try {
      endPuzzle();
      endGroup();
      if (template.seqLen() != seqLen) {
        throw new IllegalArgumentException(splitDir + ": template seq_len " + template.seqLen() + " != writer's " + seqLen);
      }
      if (puzzles == 0) {
        throw new IllegalStateException(splitDir + ": no puzzles were written");
      }
      if (maxToken >= template.vocabSize()) {
        throw new IllegalArgumentException(splitDir + ": token id " + maxToken + " >= vocab_size " + template.vocabSize());
      }
      if (maxPuzzleId >= template.numPuzzleIdentifiers()) {
        throw new IllegalArgumentException(splitDir + ": puzzle id " + maxPuzzleId + " >= num_puzzle_identifiers "
            + template.numPuzzleIdentifiers());
      }
      DatasetMetadata meta = template.withCounts(groups, puzzles, (double) examples / puzzles);
      Path metaFile = splitDir.resolve(DatasetMetadata.FILE_NAME);
      // dataset.json marks a complete split: remove the old one before its arrays are replaced.
      Files.deleteIfExists(metaFile);
      for (NpyWriter w : writers()) {
        w.close();
      }
      meta.write(metaFile);
      done = true;
      return meta;
    } catch (IOException e) {
      throw new UncheckedIOException(splitDir + ": " + e.getMessage(), e);
    } finally {
      if (!done) {
        close();
      }
    }
  }

  private List<NpyWriter> writers() {
    return List.of(inputs, labels, puzzleIdentifiers, puzzleIndices, groupIndices);
  }

  private void ensureOpen() {
    if (done) {
      throw new IllegalStateException(splitDir + ": writer already finished or closed");
    }
  }

  /** Without a prior {@link #finish}: discards the partial files. */
  @Override
  public void close() {
    done = true;
    writers().forEach(NpyWriter::abort);
  }
}
