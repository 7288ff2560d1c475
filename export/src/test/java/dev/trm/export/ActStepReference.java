package dev.trm.export;

import dev.trm.export.serving.HostTensor;
import dev.trm.model.ActStep;
import dev.trm.model.ModelDims;
import dev.trm.model.ParamValues;
import dev.trm.model.TrmModel;
import dev.trm.model.TrmParams;
import dev.trm.model.TrmShape;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.ArchConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The model's own ACT step ({@link ActStep}, EVAL mode) on constant weights, stepped from Java one call at a time:
 * the reference the serving loops are checked against.
 */
final class ActStepReference implements AutoCloseable {
  /** The carry and outputs of one step, on the host. */
  record Step(HostTensor y, HostTensor z, HostTensor steps, HostTensor halted, HostTensor logits,
      HostTensor qHalt) {}

  private final Graph graph = new Graph();
  private final Session session;
  private final TrmShape shape;
  private final Placeholder<TFloat32> zH;
  private final Placeholder<TFloat32> zL;
  private final Placeholder<TInt32> steps;
  private final Placeholder<TBool> halted;
  private final Placeholder<TInt32> inputs;
  private final Placeholder<TInt32> ids;
  private final List<Operand<?>> fetches;

  ActStepReference(ArchConfig arch, ModelDims dims, Map<String, WeightTensor> weights) {
    Ops tf = Ops.create(graph);
    Map<String, Operand<TFloat32>> constants = new LinkedHashMap<>();
    weights.forEach((name, w) -> {
      try (TFloat32 t = ParamValues.toTensor(w)) {
        constants.put(name, tf.constant(t));
      }
    });
    TrmModel model = new TrmModel(tf, arch, dims);
    shape = model.shape();
    Shape state = Shape.of(-1, shape.totalLen(), shape.hidden());
    zH = tf.placeholder(TFloat32.class, Placeholder.shape(state));
    zL = tf.placeholder(TFloat32.class, Placeholder.shape(state));
    steps = tf.placeholder(TInt32.class);
    halted = tf.placeholder(TBool.class);
    inputs = tf.placeholder(TInt32.class);
    ids = tf.placeholder(TInt32.class);
    Operand<TInt32> labels = tf.fill(tf.shape(inputs), tf.constant(-100));
    ActStep.Step out = new ActStep(model).eval(TrmParams.of(constants),
        new ActStep.Carry(zH, zL, steps, halted, inputs, labels, ids),
        new ActStep.NewExamples(inputs, labels, ids));
    fetches = List.of(out.next().y(), out.next().z(), out.next().steps(), out.next().halted(), out.logits(),
        out.qHalt());
    session = new Session(graph);
  }

  /** The carry of {@code b} halted slots: the first step resets every one. */
  Step initial(int b) {
    long[] state = {b, shape.totalLen(), shape.hidden()};
    boolean[] all = new boolean[b];
    java.util.Arrays.fill(all, true);
    return new Step(HostTensor.zeros(DataType.DT_FLOAT, state), HostTensor.zeros(DataType.DT_FLOAT, state),
        HostTensor.zeros(DataType.DT_INT32, new long[] {b}), new HostTensor(DataType.DT_BOOL, new long[] {b}, all),
        null, null);
  }

  /** One ACT step of every slot on the same examples. */
  Step step(Step carry, HostTensor inputValues, HostTensor idValues) {
    Session.Runner r = session.runner();
    List<Tensor> fed = List.of(carry.y().toTensor(), carry.z().toTensor(), carry.steps().toTensor(),
        carry.halted().toTensor(), inputValues.toTensor(), idValues.toTensor());
    try {
      r.feed(zH, fed.get(0)).feed(zL, fed.get(1)).feed(steps, fed.get(2)).feed(halted, fed.get(3))
          .feed(inputs, fed.get(4)).feed(ids, fed.get(5));
      fetches.forEach(r::fetch);
      try (Result res = r.run()) {
        return new Step(HostTensor.of(res.get(0)), HostTensor.of(res.get(1)), HostTensor.of(res.get(2)),
            HostTensor.of(res.get(3)), HostTensor.of(res.get(4)), HostTensor.of(res.get(5)));
      }
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
