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
  /** Core TensorFlow ops, grouped by what they do in the TRM serving graph. */
  public static final Set<String> STANDARD = Set.of(
      // graph plumbing, inputs and shape handling
      "Const", "Identity", "NoOp", "Placeholder", "PlaceholderWithDefault", "Shape", "Reshape", "Slice",
      "StridedSlice", "ConcatV2", "Pack", "Pad", "PadV2", "Fill", "BroadcastTo", "ExpandDims", "Squeeze", "Transpose",
      "EnsureShape", "Cast", "Range", "Tile", "ZerosLike",
      // weights: ref variables, loading, and the saver that TF Serving restores them with
      "VariableV2", "Assign", "SaveV2", "RestoreV2", "MergeV2Checkpoints", "ShardedFilename", "StringJoin",
      // input checks
      "Assert", "All", "Any", "Min", "Max", "LogicalAnd", "LogicalOr", "LogicalNot", "Less", "LessEqual",
      "Greater", "GreaterEqual", "Equal", "NotEqual",
      // the network
      "GatherV2", "GatherNd", "MatMul", "BatchMatMulV2", "BatchMatMulV3", "Einsum", "Softmax", "Mul", "Add", "AddV2",
      "Sub", "RealDiv", "Neg", "Rsqrt", "Sqrt", "Square", "Mean", "Sum", "Sigmoid", "Exp", "Cos", "Sin", "Split",
      "SplitV", "SelectV2", "Select", "StopGradient", "Maximum", "Minimum", "ArgMax",
      // initializers of the variables (present in the graph, never run by a server)
      "StatelessTruncatedNormal", "StatelessTruncatedNormalV2", "TruncatedNormal",
      // the adaptive-halting loop (TF1 control flow) and its slot compaction
      "Enter", "Exit", "Merge", "Switch", "NextIteration", "LoopCond", "Where", "TensorScatterUpdate",
      "Size");

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
