package dev.trm.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/** Base of the graph tests: one Graph and Session per test class, since TF is slow to start. */
abstract class SharedGraphTest {
  protected static Graph graph;
  protected static Session session;
  protected static Ops tf;

  @BeforeAll
  static void openGraph() {
    graph = new Graph();
    session = new Session(graph);
    tf = Ops.create(graph);
  }

  @AfterAll
  static void closeGraph() {
    session.close();
    graph.close();
  }
}
