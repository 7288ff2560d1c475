package dev.trm.model.reference;

import dev.trm.model.ActStep;
import dev.trm.model.Losses;
import dev.trm.model.ModelDims;
import dev.trm.model.TrmModel;
import dev.trm.model.TrmParams;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.ArchConfig;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * The graph side of the comparison: the model package's ACT step (TRAIN and EVAL) and losses for one config, built
 * once with every carry field, the new batch and the exploration draws as placeholders, so that any carry can be fed
 * in. Only the public API of {@code dev.trm.model} is used.
 */
final class ActStepGraph implements AutoCloseable {
  /** The graph's losses and metric sums, as doubles. */
  record LossValues(
      double lmLoss, double qHaltLoss, double total, double count, double accuracy, double exactAccuracy,
      double qHaltAccuracy, double steps, int[][] predictions) {}

  /** One step's outputs in the reference's types; puzzleRows is null without a puzzle embedding. */
  record Step(ReferenceActStep.Step out, double[][] puzzleRows, LossValues losses) {}

  private final Graph graph = new Graph();
  private final Session session;
  private final TrmParams params;
  private final Map<String, Placeholder<TFloat32>> assignValues = new LinkedHashMap<>();
  private final List<Assign<TFloat32>> assigns = new ArrayList<>();
  private final Placeholder<TFloat32> zH;
  private final Placeholder<TFloat32> zL;
  private final Placeholder<TInt32> steps;
  private final Placeholder<TBool> halted;
  private final Placeholder<TInt32> inputs;
  private final Placeholder<TInt32> labels;
  private final Placeholder<TInt32> puzzleIds;
  private final Placeholder<TInt32> newInputs;
  private final Placeholder<TInt32> newLabels;
  private final Placeholder<TInt32> newPuzzleIds;
  private final Placeholder<TFloat32> exploreUniform;
  private final Placeholder<TInt32> exploreMinHalt;
  private final Map<ReferenceActStep.Mode, List<Operand<?>>> fetches = new EnumMap<>(ReferenceActStep.Mode.class);
  private final boolean hasPuzzleRows;

  ActStepGraph(ArchConfig arch, ModelDims dims, long seed) {
    Ops tf = Ops.create(graph);
    params = TrmParams.createVariables(tf, arch, dims, seed);
    for (Map.Entry<String, Variable<TFloat32>> v : params.variables().entrySet()) {
      Placeholder<TFloat32> value = tf.placeholder(TFloat32.class);
      assignValues.put(v.getKey(), value);
      assigns.add(tf.assign(v.getValue(), value));
    }
    zH = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, arch.getHiddenSize())));
    zL = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, arch.getHiddenSize())));
    steps = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    halted = tf.placeholder(TBool.class, Placeholder.shape(Shape.of(-1)));
    inputs = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, dims.seqLen())));
    labels = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, dims.seqLen())));
    puzzleIds = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    newInputs = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, dims.seqLen())));
    newLabels = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, dims.seqLen())));
    newPuzzleIds = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    exploreUniform = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
    exploreMinHalt = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));

    ActStep act = new ActStep(new TrmModel(tf, arch, dims));
    ActStep.Carry carry = new ActStep.Carry(zH, zL, steps, halted, inputs, labels, puzzleIds);
    ActStep.NewExamples batch = new ActStep.NewExamples(newInputs, newLabels, newPuzzleIds);
    boolean rows = false;
    for (ReferenceActStep.Mode mode : ReferenceActStep.Mode.values()) {
      ActStep.Step out = mode == ReferenceActStep.Mode.TRAIN
          ? act.train(params, carry, batch, new ActStep.Exploration(exploreUniform, exploreMinHalt))
          : act.eval(params, carry, batch);
      Losses.ActLoss loss = Losses.act(tf, arch, out);
      List<Operand<?>> f = new ArrayList<>(List.of(
          out.next().y(), out.next().z(), out.next().steps(), out.next().halted(), out.next().inputs(),
          out.next().labels(), out.next().puzzleIds(),
          out.current().y(), out.current().z(), out.current().steps(), out.current().halted(),
          out.current().inputs(), out.current().labels(), out.current().puzzleIds(),
          out.logits(), out.qHalt(), out.qContinue(),
          loss.lmLoss(), loss.qHaltLoss(), loss.total(), loss.count(), loss.accuracy(), loss.exactAccuracy(),
          loss.qHaltAccuracy(), loss.steps(), loss.predictions()));
      rows = out.puzzleRows() != null;
      if (rows) {
        f.add(out.puzzleRows());
      }
      // An output may be a fed placeholder itself (e.g. a carry field passed through), which TF will not fetch.
      f.replaceAll(o -> identity(tf, o));
      fetches.put(mode, f);
    }
    hasPuzzleRows = rows;
    session = new Session(graph);
    session.initialize();
  }

  /** Every variable's current value, by official name. */
  Map<String, WeightTensor> weights() {
    Session.Runner runner = session.runner();
    params.variables().values().forEach(runner::fetch);
    Map<String, WeightTensor> values = new LinkedHashMap<>();
    try (Result r = runner.run()) {
      int i = 0;
      for (Map.Entry<String, Variable<TFloat32>> v : params.variables().entrySet()) {
        Tensor t = r.get(i++);
        values.put(v.getKey(), new WeightTensor(t.shape().asArray(), TfArrays.flatFloats(t)));
      }
    }
    return values;
  }

  /** Overwrites the named variables. */
  void assign(Map<String, WeightTensor> values) {
    Session.Runner runner = session.runner();
    List<Tensor> fed = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, Placeholder<TFloat32>> e : assignValues.entrySet()) {
      WeightTensor w = values.get(e.getKey());
      if (w != null) {
        Tensor t = TFloat32.tensorOf(Shape.of(w.shape()), DataBuffers.of(w.data(), true, false));
        fed.add(t);
        runner.feed(e.getValue(), t).addTarget(assigns.get(i));
      }
      i++;
    }
    runner.run().close();
    fed.forEach(Tensor::close);
  }

  /** One ACT step from {@code carry}; the exploration draws are fed as float32 / int32. */
  Step run(ReferenceActStep.Mode mode, ReferenceActStep.Carry carry, ReferenceActStep.NewExamples batch, double[] uniform,
      int[] minHalt) {
    List<Tensor> fed = new ArrayList<>(List.of(
        TfArrays.floats(carry.y()), TfArrays.floats(carry.z()), TfArrays.ints(carry.steps()),
        TfArrays.bools(carry.halted()), TfArrays.ints(carry.inputs()), TfArrays.ints(carry.labels()),
        TfArrays.ints(carry.puzzleIds()), TfArrays.ints(batch.inputs()), TfArrays.ints(batch.labels()),
        TfArrays.ints(batch.puzzleIds()), TfArrays.floats(uniform), TfArrays.ints(minHalt)));
    List<Placeholder<?>> slots = List.of(zH, zL, steps, halted, inputs, labels, puzzleIds, newInputs, newLabels,
        newPuzzleIds, exploreUniform, exploreMinHalt);
    Session.Runner runner = session.runner();
    for (int i = 0; i < slots.size(); i++) {
      runner.feed(slots.get(i), fed.get(i));
    }
    fetches.get(mode).forEach(runner::fetch);
    try (Result r = runner.run()) {
      ReferenceActStep.Carry next = carry(r, 0);
      ReferenceActStep.Carry current = carry(r, 7);
      ReferenceActStep.Step out = new ReferenceActStep.Step(current, next, TfArrays.toDoubles3(r.get(14)),
          TfArrays.toDoubles(r.get(15)), TfArrays.toDoubles(r.get(16)));
      LossValues losses = new LossValues(TfArrays.toDouble(r.get(17)), TfArrays.toDouble(r.get(18)),
          TfArrays.toDouble(r.get(19)), TfArrays.toDouble(r.get(20)), TfArrays.toDouble(r.get(21)),
          TfArrays.toDouble(r.get(22)), TfArrays.toDouble(r.get(23)), TfArrays.toDouble(r.get(24)),
          TfArrays.toInts2(r.get(25)));
      return new Step(out, hasPuzzleRows ? TfArrays.toDoubles2(r.get(26)) : null, losses);
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  private static <T extends TType> Operand<T> identity(Ops tf, Operand<T> x) {
    return tf.identity(x);
  }

  private static ReferenceActStep.Carry carry(Result r, int at) {
    return new ReferenceActStep.Carry(TfArrays.toDoubles3(r.get(at)), TfArrays.toDoubles3(r.get(at + 1)),
        TfArrays.toInts(r.get(at + 2)), TfArrays.toBools(r.get(at + 3)), TfArrays.toInts2(r.get(at + 4)),
        TfArrays.toInts2(r.get(at + 5)), TfArrays.toInts(r.get(at + 6)));
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
