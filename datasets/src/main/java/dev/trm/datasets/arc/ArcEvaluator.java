package dev.trm.datasets.arc;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.datasets.Batch;
import dev.trm.datasets.DurableFiles;
import dev.trm.datasets.Identifiers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The official ARC evaluator ({@code evaluators/arc.py}): votes over the predictions for every augmented variant of a
 * test input and scores pass@K.
 *
 * <p>Each prediction (the 30x30 argmax tokens of a test example) is cropped to the largest top-left rectangle of colour
 * tokens, mapped back through its variant's inverse augmentation (named by the row's puzzle identifier in
 * {@code identifiers.json}) and filed under (task, de-augmented test input), which keeps a task's test inputs apart.
 * Per test input, distinct predicted grids are ranked by vote count, then by mean {@code sigmoid(q_halt)} in float64
 * (then by first appearance). pass@K counts a test input solved if one of the top K equals the solution; a task scores
 * the fraction of its test inputs solved, and the metric averages over all tasks of {@code test_puzzles.json}.
 *
 * <p>Predictions accumulate until {@link #reset}: never resetting is the official "aggregated voting", which pools the
 * votes of every evaluation of a run; reset before each evaluation to score checkpoints one at a time.
 */
public final class ArcEvaluator {
  /** The K of the reported pass@K metrics ({@code ARC/pass@2} is the headline number). */
  public static final List<Integer> PASS_KS = List.of(1, 2, 5, 10, 100, 1000);
  /** Attempts per test input in the submission file. */
  public static final int SUBMISSION_ATTEMPTS = 2;

  private static final ArcGrid NO_PREDICTION = ArcGrid.of(new int[][] {{0}});

  private final List<String> identifiers;
  private final List<ArcTask> testTasks;
  /** task id -> de-augmented test input -> predicted grid -> tally, in order of first appearance. */
  private final Map<String, Map<ArcGrid, Map<ArcGrid, Tally>>> votes = new HashMap<>();

  /** An evaluator for puzzles named by {@code identifiers} (index = puzzle id), scored against {@code testTasks}. */
  public ArcEvaluator(List<String> identifiers, List<ArcTask> testTasks) {
    this.identifiers = List.copyOf(identifiers);
    this.testTasks = List.copyOf(testTasks);
  }

  /** An evaluator for the dataset at {@code datasetDir} (its identifiers.json and test_puzzles.json). */
  public static ArcEvaluator open(Path datasetDir) {
    return new ArcEvaluator(Identifiers.read(datasetDir),
        ArcTaskReader.readTaskMap(datasetDir.resolve(ArcDatasetBuilder.TEST_PUZZLES_FILE)));
  }

  /**
   * Adds the predictions for one test batch; rows at or beyond {@code batch.valid()} (padding) and rows with the
   * blank identifier are skipped.
   *
   * @param predictions predicted token per position, {@code [batchSize * 900]}
   * @param qHaltLogits the halting logit of each row, {@code [batchSize]}
   */
  public void add(Batch batch, int[] predictions, float[] qHaltLogits) {
    if (batch.seqLen() != ArcCanvas.SEQ_LEN) {
      throw new IllegalArgumentException("ARC batches have seq_len " + ArcCanvas.SEQ_LEN + ", got " + batch.seqLen());
    }
    if (predictions.length != batch.inputs().length || qHaltLogits.length != batch.batchSize()) {
      throw new IllegalArgumentException("predictions must be [" + batch.batchSize() + " * " + batch.seqLen()
          + "] and q_halt logits [" + batch.batchSize() + "], got " + predictions.length + " and "
          + qHaltLogits.length);
    }
    for (int row = 0; row < batch.valid(); row++) {
      int id = batch.puzzleIds()[row];
      if (id == 0) {
        continue;
      }
      if (id < 0 || id >= identifiers.size()) {
        throw new IllegalArgumentException("batch row " + row + " has puzzle id " + id + ", outside the "
            + identifiers.size() + " identifiers");
      }
      ArcPuzzleName name = ArcPuzzleName.parse(identifiers.get(id));
      ArcAugmentation augmentation = name.augmentation();
      int offset = row * ArcCanvas.SEQ_LEN;
      ArcGrid input = augmentation.invert(ArcCanvas.crop(batch.inputs(), offset, 0, 0));
      ArcGrid prediction = augmentation.invert(ArcCanvas.crop(predictions, offset, 0, 0));
      double confidence = 1.0 / (1.0 + Math.exp(-(double) qHaltLogits[row]));
      votes.computeIfAbsent(name.taskId(), t -> new HashMap<>())
          .computeIfAbsent(input, i -> new LinkedHashMap<>())
          .computeIfAbsent(prediction, p -> new Tally())
          .add(confidence);
    }
  }

  /** {@code ARC/pass@K} for each K of {@link #PASS_KS}, in that order. */
  public Map<String, Double> metrics() {
    double[] solved = new double[PASS_KS.size()];
    for (ArcTask task : testTasks) {
      int[] inputsSolved = new int[PASS_KS.size()];
      for (ArcPair pair : task.test()) {
        List<ArcGrid> ranked = ranked(task.id(), pair.input());
        for (int k = 0; k < PASS_KS.size(); k++) {
          if (ranked.subList(0, Math.min(PASS_KS.get(k), ranked.size())).contains(pair.output())) {
            inputsSolved[k]++;
          }
        }
      }
      for (int k = 0; k < PASS_KS.size(); k++) {
        solved[k] += (double) inputsSolved[k] / task.test().size();
      }
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (int k = 0; k < PASS_KS.size(); k++) {
      metrics.put("ARC/pass@" + PASS_KS.get(k), testTasks.isEmpty() ? 0.0 : solved[k] / testTasks.size());
    }
    return metrics;
  }

  /**
   * Writes the Kaggle submission {@code {task: [{"attempt_1": grid, "attempt_2": grid}, ...]}}: per test input the top
   * two grids, padded by repeating the top one. Tasks without any prediction are left out. A test input without
   * predictions in a task that has some gets {@code [[0]]} attempts, so that list positions still match test inputs
   * (the official code drops the entry, shifting the later ones).
   */
  public void writeSubmission(Path file) {
    Map<String, List<Map<String, List<List<Integer>>>>> submission = new LinkedHashMap<>();
    for (ArcTask task : testTasks) {
      if (!votes.containsKey(task.id())) {
        continue;
      }
      List<Map<String, List<List<Integer>>>> attempts = new ArrayList<>();
      for (ArcPair pair : task.test()) {
        List<ArcGrid> ranked = ranked(task.id(), pair.input());
        Map<String, List<List<Integer>>> entry = new LinkedHashMap<>();
        for (int a = 0; a < SUBMISSION_ATTEMPTS; a++) {
          ArcGrid grid = ranked.isEmpty() ? NO_PREDICTION : ranked.get(a < ranked.size() ? a : 0);
          entry.put("attempt_" + (a + 1), grid.toRows());
        }
        attempts.add(entry);
      }
      submission.put(task.id(), attempts);
    }
    try {
      DurableFiles.writeBytes(file, new ObjectMapper().writeValueAsBytes(submission));
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Forgets every prediction (per-checkpoint evaluation); without it votes aggregate over evaluations. */
  public void reset() {
    votes.clear();
  }

  /** Distinct predictions for one test input, best first: by count, then mean confidence, then first appearance. */
  private List<ArcGrid> ranked(String taskId, ArcGrid input) {
    Map<ArcGrid, Tally> tallies = votes.getOrDefault(taskId, Map.of()).getOrDefault(input, Map.of());
    List<Map.Entry<ArcGrid, Tally>> entries = new ArrayList<>(tallies.entrySet());
    // List.sort is stable, which keeps first appearance as the last tie-break, as Python's sorted does.
    entries.sort(Comparator.comparingInt((Map.Entry<ArcGrid, Tally> e) -> e.getValue().count)
        .thenComparingDouble(e -> e.getValue().meanConfidence())
        .reversed());
    return entries.stream().map(Map.Entry::getKey).toList();
  }

  /** Votes for one predicted grid: how many, and the sum of their confidences (summed in arrival order). */
  private static final class Tally {
    int count;
    double confidenceSum;

    void add(double confidence) {
      count++;
      confidenceSum += confidence;
    }

    double meanConfidence() {
      return confidenceSum / count;
    }
  }
}
