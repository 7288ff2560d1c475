package dev.trm.datasets.arc;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.datasets.Batch;
import dev.trm.datasets.Dihedral;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Voting on hand-made predictions. Task "one" has a single test input, task "two" has two, task "none" never gets a
 * prediction. Each has the original (id 1, 3, 5) and one augmentation (id 2, 4, 6) so predictions arrive in two frames.
 */
class ArcEvaluatorTest {
  private static final ArcAugmentation ROTATED =
      new ArcAugmentation(Dihedral.ROT90, ColorPermutation.parse("0381726549"));

  private static final ArcGrid IN_ONE = grid("12/34");
  private static final ArcGrid OUT_ONE = grid("56/78");
  private static final ArcGrid IN_TWO_A = grid("1");
  private static final ArcGrid OUT_TWO_A = grid("22");
  private static final ArcGrid IN_TWO_B = grid("3");
  private static final ArcGrid OUT_TWO_B = grid("4/4");
  private static final ArcGrid WRONG = grid("9");
  private static final ArcGrid ALSO_WRONG = grid("8");

  private static final List<String> IDS = List.of("<blank>",
      "one", new ArcPuzzleName("one", ROTATED).identifier(),
      "two", new ArcPuzzleName("two", ROTATED).identifier(),
      "none", new ArcPuzzleName("none", ROTATED).identifier());

  private static final List<ArcTask> TASKS = List.of(
      task("one", new ArcPair(IN_ONE, OUT_ONE)),
      task("two", new ArcPair(IN_TWO_A, OUT_TWO_A), new ArcPair(IN_TWO_B, OUT_TWO_B)),
      task("none", new ArcPair(grid("5"), grid("6"))));

  @TempDir Path tmp;

  private static ArcGrid grid(String rows) {
    String[] r = rows.split("/");
    int[][] cells = new int[r.length][];
    for (int i = 0; i < r.length; i++) {
      cells[i] = r[i].chars().map(c -> c - '0').toArray();
    }
    return ArcGrid.of(cells);
  }

  private static ArcTask task(String id, ArcPair... test) {
    return new ArcTask(id, List.of(new ArcPair(grid("0"), grid("0"))), List.of(test), false);
  }

  /** One prediction: the row's puzzle id, the original-frame test input and predicted grid, and the q_halt logit. */
  private record Row(int puzzleId, ArcGrid input, ArcGrid prediction, float qLogit) {}

  /** Rows as the model sees them: input and prediction in the variant's frame, both at the origin. */
  private static void add(ArcEvaluator evaluator, int padding, Row... rows) {
    int n = rows.length + padding;
    int[] inputs = new int[n * 900];
    int[] labels = new int[n * 900];
    int[] predictions = new int[n * 900];
    int[] ids = new int[n];
    float[] q = new float[n];
    for (int i = 0; i < rows.length; i++) {
      ArcAugmentation aug = ArcPuzzleName.parse(IDS.get(rows[i].puzzleId())).augmentation();
      System.arraycopy(ArcCanvas.encode(aug.apply(rows[i].input()), 0, 0), 0, inputs, i * 900, 900);
      System.arraycopy(ArcCanvas.encode(aug.apply(rows[i].prediction()), 0, 0), 0, predictions, i * 900, 900);
      ids[i] = rows[i].puzzleId();
      q[i] = rows[i].qLogit();
    }
    // Padding rows carry a perfect prediction for task "none": they must be ignored.
    for (int i = rows.length; i < n; i++) {
      System.arraycopy(ArcCanvas.encode(grid("5"), 0, 0), 0, inputs, i * 900, 900);
      System.arraycopy(ArcCanvas.encode(grid("6"), 0, 0), 0, predictions, i * 900, 900);
      ids[i] = 5;
      q[i] = 10f;
    }
    evaluator.add(new Batch(n, 900, inputs, labels, ids, rows.length), predictions, q);
  }

  private static ArcEvaluator evaluator() {
    return new ArcEvaluator(IDS, TASKS);
  }

  @Test
  void ranksByCountThenConfidenceAcrossFrames() {
    ArcEvaluator e = evaluator();
    // Task "one": WRONG gets 3 votes, the solution 2 (one per frame): pass@1 fails, pass@2 passes.
    add(e, 0,
        new Row(1, IN_ONE, WRONG, 0f), new Row(2, IN_ONE, WRONG, 0f), new Row(2, IN_ONE, WRONG, 0f),
        new Row(1, IN_ONE, OUT_ONE, 5f), new Row(2, IN_ONE, OUT_ONE, 5f));
    Map<String, Double> m = e.metrics();
    assertThat(m.keySet()).containsExactly(
        "ARC/pass@1", "ARC/pass@2", "ARC/pass@5", "ARC/pass@10", "ARC/pass@100", "ARC/pass@1000").inOrder();
    assertThat(m.get("ARC/pass@1")).isEqualTo(0.0);
    // Averaged over all three tasks: only "one" is solved.
    assertThat(m.get("ARC/pass@2")).isWithin(1e-12).of(1.0 / 3);
    assertThat(m.get("ARC/pass@1000")).isWithin(1e-12).of(1.0 / 3);

    // Two more solutions (in a later batch) outvote WRONG.
    add(e, 0, new Row(1, IN_ONE, OUT_ONE, -5f), new Row(2, IN_ONE, OUT_ONE, -5f));
    assertThat(e.metrics().get("ARC/pass@1")).isWithin(1e-12).of(1.0 / 3);
  }

  @Test
  void breaksTiesByMeanConfidence() {
    ArcEvaluator e = evaluator();
    add(e, 0, new Row(1, IN_ONE, WRONG, 1f), new Row(2, IN_ONE, WRONG, 1f),
        new Row(1, IN_ONE, OUT_ONE, 3f), new Row(2, IN_ONE, OUT_ONE, -0.5f));
    // 2 votes each; mean sigmoid(q): WRONG 0.731, the solution (0.953 + 0.378) / 2 = 0.665.
    assertThat(e.metrics().get("ARC/pass@1")).isEqualTo(0.0);
    add(e, 0, new Row(1, IN_ONE, WRONG, -4f), new Row(1, IN_ONE, OUT_ONE, 4f));
    // 3 votes each; means (0.731 + 0.731 + 0.018) / 3 = 0.493 against (0.953 + 0.378 + 0.982) / 3 = 0.771.
    assertThat(e.metrics().get("ARC/pass@1")).isWithin(1e-12).of(1.0 / 3);
  }

  @Test
  void scoresATaskByTheFractionOfItsTestInputsSolved() {
    ArcEvaluator e = evaluator();
    add(e, 3, new Row(3, IN_TWO_A, OUT_TWO_A, 0f), new Row(4, IN_TWO_A, OUT_TWO_A, 0f),
        new Row(4, IN_TWO_B, WRONG, 0f));
    assertThat(e.metrics().get("ARC/pass@1")).isWithin(1e-12).of(0.5 / 3);
    add(e, 0, new Row(3, IN_TWO_B, ALSO_WRONG, 0f), new Row(3, IN_TWO_B, OUT_TWO_B, 0f));
    assertThat(e.metrics().get("ARC/pass@1")).isWithin(1e-12).of(0.5 / 3);
    assertThat(e.metrics().get("ARC/pass@5")).isWithin(1e-12).of(1.0 / 3);
  }

  @Test
  void resetForgetsAndOtherwiseVotesAggregate() {
    ArcEvaluator e = evaluator();
    add(e, 0, new Row(1, IN_ONE, OUT_ONE, 0f));
    add(e, 0, new Row(1, IN_ONE, WRONG, 0f), new Row(1, IN_ONE, WRONG, 0f));
    assertThat(e.metrics().get("ARC/pass@1")).isEqualTo(0.0);
    assertThat(e.metrics().get("ARC/pass@2")).isWithin(1e-12).of(1.0 / 3);
    e.reset();
    assertThat(e.metrics().get("ARC/pass@1000")).isEqualTo(0.0);
    add(e, 0, new Row(1, IN_ONE, OUT_ONE, 0f));
    assertThat(e.metrics().get("ARC/pass@1")).isWithin(1e-12).of(1.0 / 3);
  }

  @Test
  void writesTheTopTwoPaddedAndSkipsTasksWithoutPredictions() throws IOException {
    ArcEvaluator e = evaluator();
    add(e, 2, new Row(1, IN_ONE, OUT_ONE, 0f),
        new Row(3, IN_TWO_A, WRONG, 0f), new Row(3, IN_TWO_A, OUT_TWO_A, 0f), new Row(3, IN_TWO_A, WRONG, 0f));
    Path file = tmp.resolve("eval/submission.json");
    e.writeSubmission(file);
    Map<String, List<Map<String, List<List<Integer>>>>> submission =
        new ObjectMapper().readValue(file.toFile(), new TypeReference<>() {});
    assertThat(submission.keySet()).containsExactly("one", "two").inOrder();
    // One distinct prediction: attempt 2 repeats it.
    assertThat(submission.get("one")).containsExactly(
        Map.of("attempt_1", OUT_ONE.toRows(), "attempt_2", OUT_ONE.toRows()));
    // Two test inputs: the first ranked WRONG then the solution; the second has no prediction and keeps its place.
    assertThat(submission.get("two")).containsExactly(
        Map.of("attempt_1", WRONG.toRows(), "attempt_2", OUT_TWO_A.toRows()),
        Map.of("attempt_1", List.of(List.of(0)), "attempt_2", List.of(List.of(0)))).inOrder();
  }

  @Test
  void readsTheDatasetFilesItNeeds() throws IOException {
    dev.trm.datasets.Identifiers.write(tmp, IDS);
    Map<String, Object> puzzles = new java.util.LinkedHashMap<>();
    TASKS.forEach(t -> puzzles.put(t.id(), t.toJson()));
    new ObjectMapper().writeValue(tmp.resolve(ArcDatasetBuilder.TEST_PUZZLES_FILE).toFile(), puzzles);
    ArcEvaluator e = ArcEvaluator.open(tmp);
    add(e, 0, new Row(6, grid("5"), grid("6"), 0f));
    assertThat(e.metrics().get("ARC/pass@1")).isWithin(1e-12).of(1.0 / 3);
  }

  @Test
  void rejectsMismatchedBatches() {
    ArcEvaluator e = evaluator();
    Batch batch = new Batch(2, 900, new int[1800], new int[1800], new int[] {1, 99}, 2);
    assertThat(assertThrows(IllegalArgumentException.class, () -> e.add(batch, new int[900], new float[2]))
        .getMessage()).contains("predictions must be [2 * 900]");
    assertThat(assertThrows(IllegalArgumentException.class, () -> e.add(batch, new int[1800], new float[2]))
        .getMessage()).contains("batch row 1 has puzzle id 99, outside the 7 identifiers");
    Batch sudoku = new Batch(1, 81, new int[81], new int[81], new int[] {1}, 1);
    assertThat(assertThrows(IllegalArgumentException.class, () -> e.add(sudoku, new int[81], new float[1]))
        .getMessage()).contains("seq_len 900");
    List<String> badIds = new ArrayList<>(IDS);
    badIds.set(2, "one|||t9|||0123456789");
    ArcEvaluator bad = new ArcEvaluator(badIds, TASKS);
    Batch row = new Batch(1, 900, new int[900], new int[900], new int[] {2}, 1);
    assertThat(assertThrows(IllegalArgumentException.class, () -> bad.add(row, new int[900], new float[1]))
        .getMessage()).contains("one|||t9|||0123456789");
  }
}
