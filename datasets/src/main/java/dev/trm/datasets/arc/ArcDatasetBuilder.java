package dev.trm.datasets.arc;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.datasets.BuildReport;
import dev.trm.datasets.DatasetMetadata;
import dev.trm.datasets.DatasetWriter;
import dev.trm.datasets.DurableFiles;
import dev.trm.datasets.Identifiers;
import dev.trm.datasets.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds an ARC dataset in the official TRM layout ({@code build_arc_dataset.py}): seq_len 900, vocab 12, one group
 * per task, one puzzle (with its own identifier) per variant of the task.
 *
 * <ul>
 *   <li>Each subset's tasks are shuffled, then each task gets the original plus up to {@code numAug} distinct
 *       augmentations ({@link ArcVariantPlanner}).
 *   <li>Tasks of the test subset put their demonstration pairs in train and their test pairs in test; every other
 *       task puts all its pairs in train.
 *   <li>Train examples get a random translation (one offset per pair, shared by input and output), except one random
 *       pair per puzzle that stays at the origin; test examples are always at the origin.
 *   <li>Identifiers count from 1 in train order and are shared by the test split; {@code identifiers.json} names them,
 *       {@code test_puzzles.json} holds the test subset's original tasks with their solutions.
 * </ul>
 *
 * <p>All randomness comes from one numpy-compatible stream drawn in the official order, so with the same inputs (the
 * {@code kaggle/...} subsets) and seed the identifiers and arrays equal the official build's. Only the variant plans
 * (a few bytes per variant) are held in memory; grids are augmented and encoded as they are written.
 */
public final class ArcDatasetBuilder {
  /** The official number of augmentations per task. */
  public static final int DEFAULT_NUM_AUG = 1000;
  /** The official seed. */
  public static final long DEFAULT_SEED = 42;
  /** The file with the test subset's original tasks and solutions, read by {@link ArcEvaluator}. */
  public static final String TEST_PUZZLES_FILE = "test_puzzles.json";
  /** Tasks short of variants named in the report (symmetric tasks with few colours are common). */
  private static final int SHORT_TASKS_LISTED = 8;

  private final List<ArcSubset> subsets;
  private final ArcSubset testSubset;
  private final int numAug;
  private final long seed;

  /**
   * @param testSet the subset whose test pairs form the test split: a subset's full name ({@code arc-agi-1/evaluation})
   *     or its last component ({@code evaluation}) if that is unique among {@code subsets}
   * @throws IllegalArgumentException if the test set is not among the subsets, a task id occurs twice, or numAug < 0
   */
  public ArcDatasetBuilder(List<ArcSubset> subsets, String testSet, int numAug, long seed) {
    if (numAug < 0) {
      throw new IllegalArgumentException("number of augmentations must be >= 0, got " + numAug);
    }
    this.subsets = List.copyOf(subsets);
    this.testSubset = findTestSubset(this.subsets, testSet);
    this.numAug = numAug;
    this.seed = seed;
    checkUniqueTaskIds(this.subsets);
  }

  /**
   * Writes the dataset to {@code outDir}, which must not exist or be empty (an existing dataset is never overwritten).
   */
  public BuildReport build(Path outDir, Progress progress) {
    requireEmpty(outDir);
    long start = System.nanoTime();
    NumpyRandom random = new NumpyRandom(seed);
    List<PlannedTask> plan = plan(random, progress);
    int numIdentifiers = numIdentifiers(plan);
    DatasetMetadata template = DatasetMetadata.template(ArcCanvas.VOCAB_SIZE, ArcCanvas.SEQ_LEN, numIdentifiers);

    DatasetMetadata trainMeta;
    DatasetMetadata testMeta;
    try (DatasetWriter train = DatasetWriter.create(outDir, "train", ArcCanvas.SEQ_LEN);
        DatasetWriter test = DatasetWriter.create(outDir, "test", ArcCanvas.SEQ_LEN)) {
      ExampleEncoder encoder = new ExampleEncoder(random);
      for (int t = 0; t < plan.size(); t++) {
        PlannedTask task = plan.get(t);
        encoder.writeGroup(train, task, task.trainPairs(), true);
        if (task.isTest()) {
          encoder.writeGroup(test, task, task.task().test(), false);
        }
        progress.update("encode and write", t + 1, plan.size());
      }
      trainMeta = train.finish(template);
      testMeta = test.finish(template);
    }
    Identifiers.write(outDir, new IdentifierNames(plan));
    writeTestPuzzles(outDir.resolve(TEST_PUZZLES_FILE), plan);

    return new BuildReport(outDir, trainMeta, testMeta, notes(plan, numIdentifiers, System.nanoTime() - start));
  }

  private List<String> notes(List<PlannedTask> plan, int numIdentifiers, long nanos) {
    List<String> subsetCounts = subsets.stream().map(s -> s.name() + " (" + s.tasks().size() + " tasks"
        + (s == testSubset ? ", test set" : "") + ")").toList();
    List<String> shortTasks = plan.stream().filter(p -> p.variants().size() < numAug + 1)
        .map(p -> p.task().id() + " (" + (p.variants().size() - 1) + ")").toList();
    String examples = shortTasks.stream().limit(SHORT_TASKS_LISTED).collect(Collectors.joining(", "))
        + (shortTasks.size() > SHORT_TASKS_LISTED ? ", ..." : "");
    return List.of(
        "subsets: " + String.join(", ", subsetCounts),
        "variants: the original + up to " + numAug + " augmentations per task, seed " + seed + "; " + shortTasks.size()
            + " tasks have fewer distinct ones" + (shortTasks.isEmpty() ? "" : ": " + examples),
        "identifiers: " + numIdentifiers + " (num_puzzle_identifiers, including <blank>)",
        String.format("built in %.1f s", nanos / 1e9));
  }

  /** Identifiers in use, including the blank id 0 (num_puzzle_identifiers). */
  private static int numIdentifiers(List<PlannedTask> plan) {
    return plan.isEmpty() ? 1 : plan.get(plan.size() - 1).endId();
  }

  /** Phase 1: shuffle each subset and choose every task's variants, consuming the random stream as the official code. */
  private List<PlannedTask> plan(NumpyRandom random, Progress progress) {
    int total = subsets.stream().mapToInt(s -> s.tasks().size()).sum();
    List<PlannedTask> plan = new ArrayList<>(total);
    int nextId = 1;
    for (ArcSubset subset : subsets) {
      List<ArcTask> tasks = new ArrayList<>(subset.tasks());
      random.shuffle(tasks);
      for (ArcTask task : tasks) {
        List<ArcAugmentation> variants = ArcVariantPlanner.plan(task, numAug, random);
        plan.add(new PlannedTask(task, subset == testSubset, variants, nextId));
        nextId += variants.size();
        progress.update("augment", plan.size(), total);
      }
    }
    return plan;
  }

  /**
   * One task with its chosen variants; variant k has identifier {@code firstId + k}.
   *
   * @param isTest whether the task belongs to the test subset
   */
  private record PlannedTask(ArcTask task, boolean isTest, List<ArcAugmentation> variants, int firstId) {
    int endId() {
      return firstId + variants.size();
    }

    /** The pairs this task contributes to the train split. */
    List<ArcPair> trainPairs() {
      return isTest ? task.train() : task.pairsInFileOrder();
    }
  }

  /** Phase 2: augments and encodes the examples of each group, drawing translations from the shared stream. */
  private static final class ExampleEncoder {
    private final NumpyRandom random;
    private final int[] inputTokens = new int[ArcCanvas.SEQ_LEN];
    private final int[] labelTokens = new int[ArcCanvas.SEQ_LEN];

    ExampleEncoder(NumpyRandom random) {
      this.random = random;
    }

    void writeGroup(DatasetWriter writer, PlannedTask task, List<ArcPair> pairs, boolean translate) {
      writer.beginGroup();
      for (int k = 0; k < task.variants().size(); k++) {
        ArcAugmentation augmentation = task.variants().get(k);
        writer.beginPuzzle(task.firstId() + k);
        // The official builder also draws an origin pair for test puzzles, but after every train draw: skipping it
        // changes nothing.
        int atOrigin = translate ? random.randint(0, pairs.size()) : -1;
        for (int i = 0; i < pairs.size(); i++) {
          ArcPair pair = pairs.get(i).augment(augmentation);
          int row0 = 0;
          int col0 = 0;
          if (translate && i != atOrigin) {
            row0 = random.randint(0, ArcCanvas.SIDE - Math.max(pair.input().height(), pair.output().height()) + 1);
            col0 = random.randint(0, ArcCanvas.SIDE - Math.max(pair.input().width(), pair.output().width()) + 1);
          }
          ArcCanvas.encode(pair.input(), row0, col0, inputTokens);
          ArcCanvas.encode(pair.output(), row0, col0, labelTokens);
          writer.addExample(inputTokens, labelTokens);
        }
      }
    }
  }

  /** identifiers.json as a list computed on demand, so a million names never sit in memory at once. */
  private static final class IdentifierNames extends AbstractList<String> {
    private final List<PlannedTask> plan;
    private final int[] firstIds;

    IdentifierNames(List<PlannedTask> plan) {
      this.plan = plan;
      this.firstIds = plan.stream().mapToInt(PlannedTask::firstId).toArray();
    }

    @Override
    public String get(int id) {
      if (id == 0) {
        return Identifiers.BLANK;
      }
      int t = Arrays.binarySearch(firstIds, id);
      PlannedTask task = plan.get(t >= 0 ? t : -t - 2);
      return new ArcPuzzleName(task.task().id(), task.variants().get(id - task.firstId())).identifier();
    }

    @Override
    public int size() {
      return numIdentifiers(plan);
    }
  }

  private static void writeTestPuzzles(Path file, List<PlannedTask> plan) {
    Map<String, Object> puzzles = new LinkedHashMap<>();
    plan.stream().filter(PlannedTask::isTest).forEach(p -> puzzles.put(p.task().id(), p.task().toJson()));
    try {
      DurableFiles.writeBytes(file, new ObjectMapper().writeValueAsBytes(puzzles));
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  private static ArcSubset findTestSubset(List<ArcSubset> subsets, String testSet) {
    List<ArcSubset> exact = subsets.stream().filter(s -> s.name().equals(testSet)).toList();
    List<ArcSubset> matches = exact.isEmpty()
        ? subsets.stream().filter(s -> s.shortName().equals(testSet)).toList() : exact;
    List<String> names = subsets.stream().map(ArcSubset::name).toList();
    if (matches.isEmpty()) {
      throw new IllegalArgumentException("test set '" + testSet + "' is not among the subsets " + names);
    }
    if (matches.size() > 1) {
      throw new IllegalArgumentException("test set '" + testSet + "' is ambiguous among the subsets " + names
          + "; give its full name");
    }
    return matches.get(0);
  }

  private static void checkUniqueTaskIds(List<ArcSubset> subsets) {
    Map<String, String> owner = new HashMap<>();
    for (ArcSubset subset : subsets) {
      for (ArcTask task : subset.tasks()) {
        String previous = owner.putIfAbsent(task.id(), subset.name());
        if (previous != null) {
          throw new IllegalArgumentException("task " + task.id() + " is in both subsets " + previous + " and "
              + subset.name() + "; its variants would share puzzle identifiers (do not mix ARC-AGI-1 and ARC-AGI-2)");
        }
      }
    }
  }

  private static void requireEmpty(Path outDir) {
    if (!Files.exists(outDir)) {
      return;
    }
    try (Stream<Path> entries = Files.list(outDir)) {
      if (entries.findAny().isPresent()) {
        throw new IllegalArgumentException(outDir + " already exists and is not empty; choose another output directory"
            + " or delete it first");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(outDir + ": " + e.getMessage(), e);
    }
  }
}
