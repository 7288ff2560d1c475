package dev.trm.training;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * Saves and restores an explicit list of ref variables as a TF tensor bundle ({@code <prefix>.index},
 * {@code <prefix>.data-00000-of-00001}; keys = variable op names) with {@code SaveV2}/{@code RestoreV2}.
 *
 * <p>Used instead of {@code Session.save}, which takes every variable of the graph and freezes its list at the first
 * save: the evaluation carry (transient, and for ARC gigabytes) stays out of checkpoints, and a
 * restore can take a subset (weights only, for fine-tuning).
 */
@SuppressWarnings("unchecked") // variable outputs are typed by their dtype at run time
final class VariableSaver {
  private final Graph graph;
  private final Ops tf;
  private final List<GraphOperation> variables;
  private final Placeholder<TString> prefix;
  private final Op save;

  /** Covers every {@code VariableV2} of {@code graph} that {@code include} accepts (by op name). */
  VariableSaver(Graph graph, Predicate<String> include) {
    this.graph = graph;
    this.tf = Ops.create(graph).withSubScope("saver");
    List<GraphOperation> vars = new ArrayList<>();
    for (var it = graph.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals("VariableV2") && include.test(op.name())) {
        vars.add(op);
      }
    }
    vars.sort((a, b) -> a.name().compareTo(b.name()));
    this.variables = List.copyOf(vars);
    this.prefix = tf.withName("prefix").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
    List<Operand<?>> reads = new ArrayList<>();
    for (GraphOperation v : variables) {
      reads.add(tf.identity((Operand<TType>) (Operand<?>) v.output(0)));
    }
    this.save = tf.train.save(prefix, names(variables), blanks(variables.size()), reads);
  }

  /** Names of the variables covered. */
  List<String> names() {
    return variables.stream().map(GraphOperation::name).toList();
  }

  /** Writes every covered variable under {@code prefix}. */
  void save(Session session, Path prefixPath) {
    try (TString p = TString.scalarOf(prefixPath.toString())) {
      session.runner().feed(prefix, p).addTarget(save).run().close();
    }
  }

  /**
   * Restores the covered variables that {@code which} accepts from {@code prefix}.
   *
   * @throws IllegalArgumentException naming the checkpoint if a variable is missing or has another shape or type
   */
  void restore(Session session, Path prefixPath, Predicate<String> which) {
    List<GraphOperation> chosen = variables.stream().filter(v -> which.test(v.name())).toList();
    List<Class<? extends TType>> types = new ArrayList<>();
    for (GraphOperation v : chosen) {
      types.add(v.output(0).type());
    }
    Restore restored = tf.train.restore(prefix, names(chosen), blanks(chosen.size()), types);
    List<Op> assigns = new ArrayList<>();
    for (int i = 0; i < chosen.size(); i++) {
      assigns.add(tf.assign((Operand<TType>) (Operand<?>) chosen.get(i).output(0),
          (Operand<TType>) (Operand<?>) restored.tensors().get(i)));
    }
    Op all = tf.withControlDependencies(assigns).noOp();
    try (TString p = TString.scalarOf(prefixPath.toString())) {
      session.runner().feed(prefix, p).addTarget(all).run().close();
    } catch (TensorFlowException e) {
      throw new IllegalArgumentException("checkpoint " + prefixPath.getParent() + " does not fit this model: "
          + firstLine(e.getMessage()), e);
    }
  }

  private Operand<TString> names(List<GraphOperation> ops) {
    return tf.constant(UTF_8, ops.stream().map(GraphOperation::name).toArray(String[]::new));
  }

  private Operand<TString> blanks(int n) {
    String[] empty = new String[n];
    java.util.Arrays.fill(empty, "");
    return tf.constant(UTF_8, empty);
  }

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
