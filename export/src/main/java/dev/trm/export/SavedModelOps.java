package dev.trm.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;

/**
 * The op types a SavedModel uses, and the ones TF Serving is known to run.
 *
 * <p>TF Serving itself cannot be installed here (no Docker engine, no TF apt repository), so portability is shown
 * by construction: {@link #STANDARD} lists only ops of TensorFlow's core op registry ({@code tensorflow/core/ops},
 * kernels in {@code tensorflow/core/kernels}) that {@code tensorflow_model_server} links in full: no contrib, no
 * custom or Java-registered op, no TF-Text/Addons op. The exporter refuses a graph with any other op, and a test
 * pins the exact set.
 */
public final class SavedModelOps {
  /**
   * Core TensorFlow ops, grouped by their job in the TRM serving graph: exactly the ops that exports of every
   * architecture variant use (attention or MLP mixer; RoPE, learned or no positions; with or without the puzzle
   * prefix; fp32 or bf16), each registered in {@code tensorflow/core/ops} with a CPU kernel in core.
   */
  public static final Set<String> STANDARD = Set.of(
      // plumbing, inputs, shapes
      "Const", "Identity", "NoOp", "Placeholder", "PlaceholderWithDefault", "Shape", "Reshape", "Slice",
      "ConcatV2", "PadV2", "Fill", "BroadcastTo", "Transpose", "EnsureShape", "Cast", "ZerosLike", "Split",
      // weights: ref variables, their loading, and the saver TF Serving restores them with (saver_def)
      "VariableV2", "Assign", "SaveV2", "RestoreV2",
      // the variables' initializers (in the graph, never run by a server: weights come from variables/)
      "StatelessTruncatedNormal",
      // input range checks
      "Assert", "All", "Any", "Min", "Max", "Less", "Greater", "GreaterEqual", "LogicalAnd", "LogicalOr",
      "LogicalNot",
      // the network and its heads
      "GatherV2", "MatMul", "Einsum", "Softmax", "Add", "Mul", "Neg", "Rsqrt", "Square", "Mean",
      "Sigmoid", "SelectV2", "StopGradient", "ArgMax", "Roll", "Unpack",
      // the adaptive-halting while loop (TF1 control flow) and its compaction of the running slots
      "Enter", "Exit", "Merge", "Switch", "NextIteration", "LoopCond", "Where", "GatherNd",
      "TensorScatterUpdate");

  private SavedModelOps() {}

  /** Every op type in the {@code serve} graph of the SavedModel in {@code dir}, including function bodies. */
  public static Set<String> opTypes(Path dir) {
    SavedModel model;
    try (InputStream in = Files.newInputStream(dir.resolve("saved_model.pb"))) {
      model = SavedModel.parseFrom(in);
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot read saved_model.pb: " + e.getMessage(), e);
    }
    Set<String> out = new TreeSet<>();
    for (MetaGraphDef meta : model.getMetaGraphsList()) {
      out.addAll(opTypes(meta.getGraphDef()));
    }
    return out;
  }

  /** Every op type of {@code graph}, including function bodies. */
  public static Set<String> opTypes(GraphDef graph) {
    Set<String> out = new TreeSet<>();
    graph.getNodeList().stream().map(NodeDef::getOp).forEach(out::add);
    for (FunctionDef f : graph.getLibrary().getFunctionList()) {
      f.getNodeDefList().stream().map(NodeDef::getOp).forEach(out::add);
    }
    return out;
  }

  /** The ops of {@code graph} outside {@link #STANDARD}. */
  public static Set<String> nonStandard(GraphDef graph) {
    Set<String> out = opTypes(graph);
    out.removeAll(STANDARD);
    return out;
  }
}
