package dev.trm.training;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.trm.model.WeightTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * Reads and writes named float32 tensors of a TF tensor bundle ({@code <prefix>.index} + data) on the host, in a
 * throw-away graph: what export and {@code import-torch} need without building the training graph.
 */
final class TensorBundle {
  private TensorBundle() {}

  /** Reads {@code names} (float32) from the bundle at {@code prefix}, in that order. */
  static LinkedHashMap<String, WeightTensor> read(Path prefix, List<String> names) {
    LinkedHashMap<String, WeightTensor> out = new LinkedHashMap<>();
    if (names.isEmpty()) {
      return out;
    }
    try (Graph g = new Graph(); Session s = new Session(g, Sessions.config())) {
      Ops tf = Ops.create(g);
      List<Class<? extends TType>> types = new ArrayList<>();
      names.forEach(n -> types.add(TFloat32.class));
      Restore r = tf.train.restore(tf.constant(prefix.toString()), tf.constant(UTF_8, names.toArray(String[]::new)),
          tf.constant(UTF_8, blanks(names.size())), types);
      var runner = s.runner();
      r.tensors().forEach(runner::fetch);
      try (Result result = runner.run()) {
        for (int i = 0; i < names.size(); i++) {
          TFloat32 t = (TFloat32) result.get(i);
          float[] data = new float[Math.toIntExact(t.size())];
          t.asRawTensor().data().asFloats().read(data);
          out.put(names.get(i), new WeightTensor(t.shape().asArray(), data));
        }
      }
    } catch (TensorFlowException e) {
      throw new IllegalArgumentException("cannot read weights from " + prefix + ": "
          + VariableSaver.firstLine(e.getMessage()), e);
    }
    return out;
  }

  /** Writes {@code tensors} under their names to a bundle at {@code prefix}. */
  static void write(Path prefix, Map<String, WeightTensor> tensors) {
    try (Graph g = new Graph(); Session s = new Session(g, Sessions.config())) {
      Ops tf = Ops.create(g);
      List<Placeholder<TFloat32>> inputs = new ArrayList<>();
      for (WeightTensor w : tensors.values()) {
        inputs.add(tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(w.shape()))));
      }
      var save = tf.train.save(tf.constant(prefix.toString()), tf.constant(UTF_8, tensors.keySet().toArray(String[]::new)),
          tf.constant(UTF_8, blanks(tensors.size())), new ArrayList<Operand<?>>(inputs));
      List<TFloat32> fed = new ArrayList<>();
      try {
        var runner = s.runner();
        int i = 0;
        for (WeightTensor w : tensors.values()) {
          TFloat32 t = TFloat32.tensorOf(Shape.of(w.shape()), DataBuffers.of(w.data(), true, false));
          fed.add(t);
          runner.feed(inputs.get(i++), t);
        }
        runner.addTarget(save).run().close();
      } finally {
        fed.forEach(TFloat32::close);
      }
    }
  }

  private static String[] blanks(int n) {
    String[] empty = new String[n];
    Arrays.fill(empty, "");
    return empty;
  }
}
