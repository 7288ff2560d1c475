package dev.trm.model;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.datasets.Batch;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;

/** Feeding a batch through the shared placeholders, labelled and unlabeled. */
class BatchPlaceholdersTest {
  private static Graph graph;
  private static Session session;
  private static BatchPlaceholders labeled;
  private static BatchPlaceholders unlabeled;
  private static List<Operand<TInt32>> fedValues; // a placeholder cannot be fetched in the run that feeds it

  @BeforeAll
  static void build() {
    graph = new Graph();
    Ops tf = Ops.create(graph);
    labeled = BatchPlaceholders.create(tf.withSubScope("train"), 2, 3);
    unlabeled = BatchPlaceholders.unlabeled(tf.withSubScope("serve"), 3);
    fedValues = List.of(tf.identity(labeled.inputs()), tf.identity(labeled.labels()),
        tf.identity(labeled.puzzleIds()));
    session = new Session(graph);
  }

  @AfterAll
  static void close() {
    session.close();
    graph.close();
  }

  private static Batch batch(int rows) {
    int[] tokens = new int[rows * 3];
    int[] labels = new int[rows * 3];
    int[] ids = new int[rows];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = i + 1;
      labels[i] = 10 + i;
    }
    for (int i = 0; i < rows; i++) {
      ids[i] = 7 + i;
    }
    return new Batch(rows, 3, tokens, labels, ids, rows);
  }

  @Test
  void feedsTheThreeArraysByName() {
    assertThat(labeled.inputs().op().name()).isEqualTo("train/inputs");
    assertThat(labeled.labels().op().name()).isEqualTo("train/labels");
    assertThat(labeled.puzzleIds().op().name()).isEqualTo("train/puzzle_identifiers");
    try (BatchTensors fed = BatchTensors.of(batch(2));
        Result r = labeled.feed(session.runner(), fed)
            .fetch(fedValues.get(0)).fetch(fedValues.get(1)).fetch(fedValues.get(2)).run()) {
      assertThat(ints((TInt32) r.get(0), 6)).asList().containsExactly(1, 2, 3, 4, 5, 6).inOrder();
      assertThat(ints((TInt32) r.get(1), 6)).asList().containsExactly(10, 11, 12, 13, 14, 15).inOrder();
      assertThat(ints((TInt32) r.get(2), 2)).asList().containsExactly(7, 8).inOrder();
    }
  }

  @Test
  void unlabeledTakesAnyBatchSizeAndIgnoresEveryLabel() {
    try (BatchTensors fed = BatchTensors.of(batch(3));
        Result r = unlabeled.feed(session.runner(), fed).fetch(unlabeled.labels()).run()) {
      assertThat(ints((TInt32) r.get(0), 9)).asList().containsExactly(-100, -100, -100, -100, -100, -100, -100,
          -100, -100);
    }
  }

  @Test
  void aBatchOfTheWrongShapeIsNamed() {
    try (BatchTensors fed = BatchTensors.of(batch(3))) {
      assertThat(assertThrows(IllegalArgumentException.class, () -> labeled.feed(session.runner(), fed))
          .getMessage()).isEqualTo("batch is [3, 3], the graph was built for [2, 3]");
    }
  }

  private static int[] ints(TInt32 t, int n) {
    int[] out = new int[n];
    t.asRawTensor().data().asInts().read(out);
    return out;
  }
}
