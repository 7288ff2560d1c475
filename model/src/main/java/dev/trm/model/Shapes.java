package dev.trm.model;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;

/** Static shape checks that turn a wrongly shaped input into a message naming it, before TF sees it. */
final class Shapes {
  private Shapes() {}

  /** Whether {@code actual} can hold {@code expected}: unknown rank or unknown dimensions pass; -1 expects any. */
  static boolean compatible(Shape actual, long... expected) {
    if (actual.isUnknown()) {
      return true;
    }
    if (actual.numDimensions() != expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      long a = actual.get(i);
      if (a >= 0 && expected[i] >= 0 && a != expected[i]) {
        return false;
      }
    }
    return true;
  }

  /** Throws IllegalArgumentException naming {@code what} unless {@code op}'s shape is compatible. */
  static void require(String what, Operand<?> op, long... expected) {
    if (op == null) {
      throw new IllegalArgumentException(what + " is missing");
    }
    if (!compatible(op.shape(), expected)) {
      throw new IllegalArgumentException(what + " has shape " + op.shape() + ", expected "
          + Shape.of(expected).toString().replace("-1", "?"));
    }
  }
}
