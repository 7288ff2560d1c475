package dev.trm.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One split ({@code train} or {@code test}) of a dataset in the official layout:
 * {@code <dir>/<split>/dataset.json} plus {@code all__{inputs,labels,puzzle_identifiers,puzzle_indices,group_indices}.npy}.
 *
 * <p>Inputs and labels stay memory-mapped (ARC train is several GB); the three index arrays are small and are read
 * into the heap. Opening checks that shapes and indices agree with each other and with {@code dataset.json}; token ids
 * and labels are checked against the vocabulary by {@link VocabularyCheck}: the whole split at open when it is small,
 * and every row as it is read.
 */
public final class PuzzleDataset {
  /** The only set name any official builder writes. */
  public static final String SET = "all";
  /** The five arrays of a split, in the official naming {@code all__<field>.npy}. */
  public static final List<String> FIELDS = List.of("inputs", "labels", "puzzle_identifiers", "puzzle_indices", "group_indices");

  private final Path splitDir;
  private final DatasetMetadata metadata;
  private final NpyArray inputs;
  private final NpyArray labels;
  private final int[] puzzleIdentifiers;
  private final int[] puzzleIndices;
  private final int[] groupIndices;
  private final long numExamples;
  private final VocabularyCheck vocabulary;

  private PuzzleDataset(Path splitDir, DatasetMetadata metadata, NpyArray inputs, NpyArray labels,
      int[] puzzleIdentifiers, int[] puzzleIndices, int[] groupIndices, VocabularyCheck vocabulary) {
    this.splitDir = splitDir;
    this.metadata = metadata;
    this.inputs = inputs;
    this.labels = labels;
    this.puzzleIdentifiers = puzzleIdentifiers;
    this.puzzleIndices = puzzleIndices;
    this.groupIndices = groupIndices;
    this.numExamples = inputs.shape()[0];
    this.vocabulary = vocabulary;
  }

  /** The path of one array of a split. */
  public static Path arrayFile(Path splitDir, String field) {
    return splitDir.resolve(SET + "__" + field + ".npy");
  }

  /**
   * Opens {@code <datasetDir>/<split>}. Missing files are reported all at once; inconsistent shapes or indices name
   * the file and what disagrees.
   */
  public static PuzzleDataset open(Path datasetDir, String split) {
    return open(datasetDir, split, VocabularyCheck.OPEN_SCAN_ELEMENTS);
  }

  /** {@link #open(Path, String)}, scanning tokens at open only if the split has at most {@code scanLimit} of them. */
  static PuzzleDataset open(Path datasetDir, String split, long scanLimit) {
    Path dir = datasetDir.resolve(split);
    List<Path> required = new ArrayList<>();
    required.add(dir.resolve(DatasetMetadata.FILE_NAME));
    FIELDS.forEach(f -> required.add(arrayFile(dir, f)));
    List<String> missing = required.stream().filter(p -> !Files.isRegularFile(p)).map(Path::toString).toList();
    if (!missing.isEmpty()) {
      throw new DatasetFormatException("dataset split " + dir + " is incomplete; missing: " + String.join(", ", missing));
    }
    Path metaFile = dir.resolve(DatasetMetadata.FILE_NAME);
    DatasetMetadata meta = DatasetMetadata.read(metaFile);
    if (!meta.sets().contains(SET)) {
      throw new DatasetFormatException(metaFile + ": field 'sets' " + meta.sets() + " lacks \"" + SET + "\"");
    }
    NpyArray inputs = Npy.read(arrayFile(dir, "inputs"));
    NpyArray labels = Npy.read(arrayFile(dir, "labels"));
    long[] shape = inputs.shape();
    if (shape.length != 2 || shape[1] != meta.seqLen()) {
      throw new DatasetFormatException(inputs.file() + ": shape " + Arrays.toString(shape) + " is not [examples, seq_len="
          + meta.seqLen() + "] (seq_len from " + metaFile + ")");
    }
    if (!Arrays.equals(labels.shape(), shape)) {
      throw new DatasetFormatException(labels.file() + ": shape " + Arrays.toString(labels.shape())
          + " differs from the inputs' " + Arrays.toString(shape));
    }
    requireIntegral(inputs);
    requireIntegral(labels);
    int[] ids = readIndex(arrayFile(dir, "puzzle_identifiers"));
    int[] puzzles = readIndex(arrayFile(dir, "puzzle_indices"));
    int[] groups = readIndex(arrayFile(dir, "group_indices"));
    checkOffsets(arrayFile(dir, "puzzle_indices"), puzzles, ids.length + 1, shape[0], "examples");
    checkOffsets(arrayFile(dir, "group_indices"), groups, groups.length, ids.length, "puzzles");
    for (int p = 0; p < ids.length; p++) {
      if (ids[p] < 0 || ids[p] >= meta.numPuzzleIdentifiers()) {
        throw new DatasetFormatException(arrayFile(dir, "puzzle_identifiers") + ": element " + p + " = " + ids[p]
            + " is outside [0, num_puzzle_identifiers=" + meta.numPuzzleIdentifiers() + ")");
      }
    }
    if (meta.totalGroups() != groups.length - 1) {
      throw new DatasetFormatException(metaFile + ": total_groups " + meta.totalGroups() + " but "
          + arrayFile(dir, "group_indices") + " holds " + (groups.length - 1) + " groups");
    }
    if (meta.totalPuzzles() != null && meta.totalPuzzles() != ids.length) {
      throw new DatasetFormatException(metaFile + ": total_puzzles " + meta.totalPuzzles() + " but "
          + arrayFile(dir, "puzzle_identifiers") + " holds " + ids.length + " puzzles");
    }
    VocabularyCheck vocabulary = new VocabularyCheck(inputs.file(), labels.file(), metaFile, meta);
    vocabulary.scanIfSmall(inputs, labels, meta.seqLen(), scanLimit);
    return new PuzzleDataset(dir, meta, inputs, labels, ids, puzzles, groups, vocabulary);
  }

  private static void requireIntegral(NpyArray a) {
    if (!a.dtype().isIntegral()) {
      throw new DatasetFormatException(a.file() + ": dtype " + a.dtype().descr() + " is not an integer type");
    }
  }

  private static int[] readIndex(Path file) {
    NpyArray a = Npy.read(file);
    if (a.shape().length != 1 || !a.dtype().isIntegral()) {
      throw new DatasetFormatException(file + ": expected a 1-D integer array, found " + a.dtype().descr()
          + Arrays.toString(a.shape()));
    }
    return a.readAllInts();
  }

  /** CSR offsets: {@code length} entries starting at 0, non-decreasing, ending at {@code total}. */
  private static void checkOffsets(Path file, int[] offsets, int length, long total, String what) {
    if (offsets.length != length) {
      throw new DatasetFormatException(file + ": has " + offsets.length + " entries, expected " + length);
    }
    if (offsets.length == 0 || offsets[0] != 0) {
      throw new DatasetFormatException(file + ": must start with 0");
    }
    for (int i = 1; i < offsets.length; i++) {
      if (offsets[i] < offsets[i - 1]) {
        throw new DatasetFormatException(file + ": decreases at element " + i + " (" + offsets[i - 1] + " -> " + offsets[i] + ")");
      }
    }
    if (offsets[offsets.length - 1] != total) {
      throw new DatasetFormatException(file + ": last element " + offsets[offsets.length - 1] + " should equal the number of "
          + what + " (" + total + ")");
    }
  }

  /** The split directory, {@code <datasetDir>/<split>}. */
  public Path splitDir() {
    return splitDir;
  }

  public DatasetMetadata metadata() {
    return metadata;
  }

  public int seqLen() {
    return metadata.seqLen();
  }

  public long numExamples() {
    return numExamples;
  }

  public int numPuzzles() {
    return puzzleIdentifiers.length;
  }

  public int numGroups() {
    return groupIndices.length - 1;
  }

  /** Copies the input tokens of {@code example} (seq_len values) into {@code dst[off ..]}; refuses ids outside the vocabulary. */
  public void readInputs(long example, int[] dst, int off) {
    inputs.readInts(example * seqLen(), dst, off, seqLen());
    vocabulary.inputs(example, dst, off, seqLen());
  }

  /**
   * Copies the raw label ids of {@code example} (seq_len values; ignore_label_id not yet mapped) into {@code dst[off ..]};
   * refuses labels outside the vocabulary other than the ignore label.
   */
  public void readLabels(long example, int[] dst, int off) {
    labels.readInts(example * seqLen(), dst, off, seqLen());
    vocabulary.labels(example, dst, off, seqLen());
  }

  /** The mapped inputs array, shape [examples, seq_len]. */
  public NpyArray inputs() {
    return inputs;
  }

  /** The mapped labels array, shape [examples, seq_len]. */
  public NpyArray labels() {
    return labels;
  }

  /** The puzzle-embedding id of puzzle {@code puzzle}. */
  public int puzzleIdentifier(int puzzle) {
    return puzzleIdentifiers[puzzle];
  }

  /** First example of {@code puzzle}. */
  public long puzzleStart(int puzzle) {
    return puzzleIndices[puzzle];
  }

  /** One past the last example of {@code puzzle}. */
  public long puzzleEnd(int puzzle) {
    return puzzleIndices[puzzle + 1];
  }

  /** First puzzle of {@code group}. */
  public int groupStart(int group) {
    return groupIndices[group];
  }

  /** One past the last puzzle of {@code group}. */
  public int groupEnd(int group) {
    return groupIndices[group + 1];
  }

  /** The puzzle that owns {@code example} (binary search over puzzle_indices). */
  public int puzzleOfExample(long example) {
    if (example < 0 || example >= numExamples) {
      throw new IndexOutOfBoundsException("example " + example + " outside [0, " + numExamples + ")");
    }
    int lo = 0;
    int hi = puzzleIdentifiers.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (puzzleIndices[mid] <= example) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  @Override
  public String toString() {
    return splitDir + " (" + numExamples + " examples, " + numPuzzles() + " puzzles, " + numGroups() + " groups)";
  }
}
