package dev.trm.training;

import java.util.HashMap;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.core.Variable;

/**
 * Finds the tensor a ref variable is initialised from, so a second variable (an EMA shadow) can start from the
 * very same values: both initialisers read one tensor in the single initialisation run.
 */
final class InitialValues {
  private final Map<String, Output<?>> byVariable = new HashMap<>();

  private InitialValues(Graph graph) {
    for (var it = graph.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals("Assign") && graph.isInitializer(op)) {
        byVariable.put(op.input(0).op().name(), op.input(1));
      }
    }
  }

  static InitialValues of(Graph graph) {
    return new InitialValues(graph);
  }

  /** The initial-value tensor of {@code variable}. */
  @SuppressWarnings("unchecked")
  <T extends org.tensorflow.types.family.TType> Operand<T> of(Variable<T> variable) {
    Output<?> init = byVariable.get(variable.op().name());
    if (init == null) {
      throw new IllegalStateException("variable " + variable.op().name() + " has no initialiser in its graph");
    }
    return (Operand<T>) init;
  }
}
