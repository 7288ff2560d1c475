package dev.trm.datasets.arc;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.datasets.Batch;
import dev.trm.datasets.BuildReport;
import dev.trm.datasets.DatasetMetadata;
import dev.trm.datasets.Identifiers;
import dev.trm.datasets.Progress;
import dev.trm.datasets.PuzzleDataset;
import dev.trm.datasets.TestIterator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A build of five real tasks (three training, two evaluation with three test inputs between them), loaded back. */
class ArcDatasetBuilderTest {
  private static final int NUM_AUG = 10;

  @TempDir static Path tmp;
  private static ArcSubset training;
  private static ArcSubset evaluation;
  private static Path out;
  private static BuildReport report;
  private static List<String> identifiers;

  @BeforeAll
  static void build() {
    List<ArcSubset> arc1 = new ArcSources(ArcTestData.root()).resolve("arc-agi-1");
    training = new ArcSubset("few/training", arc1.get(0).tasks().subList(0, 3), true);
    List<ArcTask> eval = new ArrayList<>(arc1.get(1).tasks().subList(0, 1));
    eval.add(arc1.get(1).tasks().stream().filter(t -> t.test().size() == 2).findFirst().orElseThrow());
    evaluation = new ArcSubset("few/evaluation", eval, true);
    out = tmp.resolve("arc");
    report = new ArcDatasetBuilder(List.of(training, evaluation), "evaluation", NUM_AUG, 42).build(out, Progress.NONE);
    identifiers = Identifiers.read(out);
  }

  private static List<ArcTask> allTasks() {
    return Stream.concat(training.tasks().stream(), evaluation.tasks().stream()).toList();
  }

  private static ArcTask taskNamed(String id) {
    return allTasks().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void writesTheOfficialLayout() {
    for (String split : List.of("train", "test")) {
      for (String field : PuzzleDataset.FIELDS) {
        assertThat(Files.isRegularFile(out.resolve(split).resolve("all__" + field + ".npy"))).isTrue();
      }
      assertThat(Files.isRegularFile(out.resolve(split).resolve("dataset.json"))).isTrue();
    }
    assertThat(Files.isRegularFile(out.resolve("identifiers.json"))).isTrue();
    assertThat(Files.isRegularFile(out.resolve("test_puzzles.json"))).isTrue();

    DatasetMetadata meta = PuzzleDataset.open(out, "train").metadata();
    assertThat(meta.vocabSize()).isEqualTo(12);
    assertThat(meta.seqLen()).isEqualTo(900);
    assertThat(meta.padId()).isEqualTo(0);
    assertThat(meta.ignoreLabelId()).isEqualTo(0);
    assertThat(meta.numPuzzleIdentifiers()).isEqualTo(identifiers.size());
    assertThat(meta.totalGroups()).isEqualTo(5);
    assertThat(meta.totalPuzzles()).isEqualTo(5 * (NUM_AUG + 1));
    assertThat(identifiers).hasSize(1 + 5 * (NUM_AUG + 1));
    assertThat(report.train()).isEqualTo(meta);
    assertThat(report.test()).isEqualTo(PuzzleDataset.open(out, "test").metadata());
  }

  @Test
  void trainHoldsEveryPairOfTrainingTasksAndTheDemosOfTestTasks() {
    PuzzleDataset train = PuzzleDataset.open(out, "train");
    int[] tokens = new int[900];
    int[] label = new int[900];
    List<String> groupTasks = new ArrayList<>();
    for (int g = 0; g < train.numGroups(); g++) {
      String taskId = identifiers.get(train.puzzleIdentifier(train.groupStart(g)));
      groupTasks.add(taskId);
      ArcTask task = taskNamed(taskId);
      boolean isTest = evaluation.tasks().contains(task);
      List<ArcPair> pairs = isTest ? task.train() : task.pairsInFileOrder();
      for (int p = train.groupStart(g); p < train.groupEnd(g); p++) {
        ArcPuzzleName name = ArcPuzzleName.parse(identifiers.get(train.puzzleIdentifier(p)));
        assertThat(name.taskId()).isEqualTo(taskId);
        assertThat(train.puzzleEnd(p) - train.puzzleStart(p)).isEqualTo(pairs.size());
        int atOrigin = 0;
        for (int i = 0; i < pairs.size(); i++) {
          long example = train.puzzleStart(p) + i;
          train.readInputs(example, tokens, 0);
          train.readLabels(example, label, 0);
          int[] origin = contentOrigin(tokens);
          atOrigin += origin[0] == 0 && origin[1] == 0 ? 1 : 0;
          ArcPair expected = pairs.get(i).augment(name.augmentation());
          assertThat(tokens).isEqualTo(ArcCanvas.encode(expected.input(), origin[0], origin[1]));
          assertThat(label).isEqualTo(ArcCanvas.encode(expected.output(), origin[0], origin[1]));
        }
        assertThat(atOrigin).isAtLeast(1);
      }
    }
    // Each subset's tasks appear shuffled, subset by subset.
    assertThat(groupTasks.subList(0, 3)).containsExactlyElementsIn(training.tasks().stream().map(ArcTask::id).toList());
    assertThat(groupTasks.subList(3, 5))
        .containsExactlyElementsIn(evaluation.tasks().stream().map(ArcTask::id).toList());
  }

  @Test
  void translatesTrainExamplesButNotAll() {
    PuzzleDataset train = PuzzleDataset.open(out, "train");
    int[] tokens = new int[900];
    int translated = 0;
    for (long e = 0; e < train.numExamples(); e++) {
      train.readInputs(e, tokens, 0);
      int[] origin = contentOrigin(tokens);
      translated += origin[0] != 0 || origin[1] != 0 ? 1 : 0;
    }
    assertThat(translated).isGreaterThan(0);
    assertThat(translated).isLessThan((int) train.numExamples() - train.numPuzzles() + 1);
  }

  @Test
  void testHoldsTheTestPairsAtTheOriginUnderTheTrainIdentifiers() {
    PuzzleDataset train = PuzzleDataset.open(out, "train");
    PuzzleDataset test = PuzzleDataset.open(out, "test");
    assertThat(test.numGroups()).isEqualTo(2);
    assertThat(test.numExamples()).isEqualTo(3L * (NUM_AUG + 1));
    int[] tokens = new int[900];
    int[] label = new int[900];
    for (int g = 0; g < test.numGroups(); g++) {
      // The test group of a task lists the same identifiers as its train group (train groups 3 and 4).
      int trainGroup = 3 + g;
      assertThat(test.groupEnd(g) - test.groupStart(g)).isEqualTo(train.groupEnd(trainGroup) - train.groupStart(trainGroup));
      for (int k = 0; k < test.groupEnd(g) - test.groupStart(g); k++) {
        int p = test.groupStart(g) + k;
        assertThat(test.puzzleIdentifier(p)).isEqualTo(train.puzzleIdentifier(train.groupStart(trainGroup) + k));
        ArcPuzzleName name = ArcPuzzleName.parse(identifiers.get(test.puzzleIdentifier(p)));
        List<ArcPair> pairs = taskNamed(name.taskId()).test();
        for (int i = 0; i < pairs.size(); i++) {
          test.readInputs(test.puzzleStart(p) + i, tokens, 0);
          test.readLabels(test.puzzleStart(p) + i, label, 0);
          ArcPair expected = pairs.get(i).augment(name.augmentation());
          assertThat(tokens).isEqualTo(ArcCanvas.encode(expected.input(), 0, 0));
          assertThat(label).isEqualTo(ArcCanvas.encode(expected.output(), 0, 0));
        }
      }
    }
  }

  @Test
  void namesIdentifiersInFirstSeenOrderWithTheOriginalFirst() {
    assertThat(identifiers.get(0)).isEqualTo("<blank>");
    for (int task = 0; task < 5; task++) {
      int first = 1 + task * (NUM_AUG + 1);
      assertThat(identifiers.get(first)).doesNotContain(ArcPuzzleName.SEPARATOR);
      for (int k = 1; k <= NUM_AUG; k++) {
        assertThat(identifiers.get(first + k)).matches(identifiers.get(first) + "\\|\\|\\|t[0-7]\\|\\|\\|0[1-9]{9}");
      }
    }
  }

  @Test
  void writesTheTestTasksWithSolutions() {
    List<ArcTask> written = ArcTaskReader.readTaskMap(out.resolve("test_puzzles.json"));
    assertThat(written).containsExactlyElementsIn(evaluation.tasks());
  }

  @Test
  void evaluatorScoresTheTestLabelsPerfectlyAndTheInputsNot() {
    ArcEvaluator oracle = ArcEvaluator.open(out);
    ArcEvaluator copyInput = ArcEvaluator.open(out);
    // A batch size that does not divide the 33 test examples, so the last batch is padded.
    TestIterator batches = new TestIterator(PuzzleDataset.open(out, "test"), 8, 0);
    while (batches.hasNext()) {
      Batch batch = batches.next();
      int[] labels = batch.labels().clone();
      for (int i = 0; i < labels.length; i++) {
        labels[i] = labels[i] == Batch.IGNORE_LABEL ? ArcCanvas.PAD : labels[i];
      }
      oracle.add(batch, labels, new float[batch.batchSize()]);
      copyInput.add(batch, batch.inputs(), new float[batch.batchSize()]);
    }
    assertThat(oracle.metrics().values()).containsExactly(1.0, 1.0, 1.0, 1.0, 1.0, 1.0);
    // No test output of these two tasks equals its input.
    assertThat(copyInput.metrics().get("ARC/pass@1000")).isEqualTo(0.0);
  }

  @Test
  void isDeterministicAndSeeded() throws IOException {
    Path again = tmp.resolve("again");
    new ArcDatasetBuilder(List.of(training, evaluation), "evaluation", NUM_AUG, 42).build(again, Progress.NONE);
    for (String file : List.of("identifiers.json", "test_puzzles.json", "train/all__inputs.npy",
        "train/all__labels.npy", "test/all__inputs.npy", "train/all__puzzle_identifiers.npy")) {
      assertThat(Files.readAllBytes(again.resolve(file))).isEqualTo(Files.readAllBytes(out.resolve(file)));
    }
    Path other = tmp.resolve("other-seed");
    new ArcDatasetBuilder(List.of(training, evaluation), "evaluation", NUM_AUG, 43).build(other, Progress.NONE);
    assertThat(Files.readAllBytes(other.resolve("identifiers.json")))
        .isNotEqualTo(Files.readAllBytes(out.resolve("identifiers.json")));
  }

  @Test
  void neverOverwritesAnExistingDirectory() throws IOException {
    Path used = Files.createDirectories(tmp.resolve("used"));
    Path keep = Files.writeString(used.resolve("keep.txt"), "precious");
    ArcDatasetBuilder builder = new ArcDatasetBuilder(List.of(training, evaluation), "evaluation", 1, 42);
    assertThat(assertThrows(IllegalArgumentException.class, () -> builder.build(used, Progress.NONE)).getMessage())
        .contains("already exists and is not empty");
    assertThat(Files.readString(keep)).isEqualTo("precious");
  }

  @Test
  void rejectsBadConfigurations() {
    List<ArcSubset> both = List.of(training, evaluation);
    assertThat(assertThrows(IllegalArgumentException.class, () -> new ArcDatasetBuilder(both, "concept", 1, 42))
        .getMessage()).contains("test set 'concept' is not among the subsets [few/training, few/evaluation]");
    ArcSubset otherEval = new ArcSubset("more/evaluation", List.of(), true);
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> new ArcDatasetBuilder(List.of(training, evaluation, otherEval), "evaluation", 1, 42)).getMessage())
        .contains("is ambiguous");
    assertThat(new ArcDatasetBuilder(List.of(training, evaluation, otherEval), "few/evaluation", 0, 42)).isNotNull();
    ArcSubset copy = new ArcSubset("copy", training.tasks().subList(0, 1), true);
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> new ArcDatasetBuilder(List.of(training, copy, evaluation), "evaluation", 1, 42)).getMessage())
        .contains("is in both subsets few/training and copy");
    assertThat(assertThrows(IllegalArgumentException.class, () -> new ArcDatasetBuilder(both, "evaluation", -1, 42))
        .getMessage()).contains(">= 0");
  }

  @Test
  void reportsSubsetsVariantsAndIdentifiers() {
    assertThat(report.dir()).isEqualTo(out);
    assertThat(report.notes()).containsAtLeast(
        "subsets: few/training (3 tasks), few/evaluation (2 tasks, test set)",
        "variants: the original + up to 10 augmentations per task, seed 42; 0 tasks have fewer distinct ones",
        "identifiers: 56 (num_puzzle_identifiers, including <blank>)").inOrder();
  }

  /** Top-left corner of the non-PAD tokens: the placement offset of an encoded grid. */
  private static int[] contentOrigin(int[] tokens) {
    int row = ArcCanvas.SIDE;
    int col = ArcCanvas.SIDE;
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] != ArcCanvas.PAD) {
        row = Math.min(row, i / ArcCanvas.SIDE);
        col = Math.min(col, i % ArcCanvas.SIDE);
      }
    }
    return new int[] {row, col};
  }
}
