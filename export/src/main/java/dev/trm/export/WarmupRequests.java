package dev.trm.export;

import dev.trm.model.ModelDims;
import dev.trm.serving.TfRecords;
import dev.trm.serving.Warmup;
import dev.trm.serving.api.ModelSpec;
import dev.trm.serving.api.PredictLog;
import dev.trm.serving.api.PredictRequest;
import dev.trm.serving.api.PredictionLog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The warm-up file of an export ({@code assets.extra/tf_serving_warmup_requests}, which TF Serving and trm serve
 * replay before a version answers clients): one Predict request of one blank puzzle (token 0, puzzle id 0) for each
 * loop signature, so that the first client request finds both loops' kernels initialised.
 */
final class WarmupRequests {
  private WarmupRequests() {}

  /** Writes the file into the SavedModel directory {@code versionDir}. */
  static void write(Path versionDir, ModelDims dims) throws IOException {
    Path file = versionDir.resolve(Warmup.FILE);
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file)) {
      for (String signature : new String[] {ServingGraph.SERVING_DEFAULT, ServingGraph.FIXED_STEPS}) {
        TfRecords.write(out, log(signature, dims).toByteArray());
      }
    }
  }

  private static PredictionLog log(String signature, ModelDims dims) {
    PredictRequest request = PredictRequest.newBuilder()
        .setModelSpec(ModelSpec.newBuilder().setSignatureName(signature))
        .putInputs("inputs", zeros(1, dims.seqLen()))
        .putInputs("puzzle_identifiers", zeros(1))
        .build();
    return PredictionLog.newBuilder().setPredictLog(PredictLog.newBuilder().setRequest(request)).build();
  }

  /** An int32 tensor of zeros. */
  private static TensorProto zeros(long... shape) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    long n = 1;
    for (long d : shape) {
      s.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
      n *= d;
    }
    return TensorProto.newBuilder().setDtype(DataType.DT_INT32).setTensorShape(s)
        .addAllIntVal(Collections.nCopies(Math.toIntExact(n), 0)).build();
  }
}
