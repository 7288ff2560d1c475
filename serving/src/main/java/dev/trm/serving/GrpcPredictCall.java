package dev.trm.serving;

import static dev.trm.serving.ServingException.invalidArgument;

import com.google.protobuf.Int64Value;
import dev.trm.serving.api.ModelSpec;
import dev.trm.serving.api.PredictRequest;
import dev.trm.serving.api.PredictResponse;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A gRPC {@code PredictRequest} decoded against one model version: the signature its {@code model_spec} names, its
 * input tensors and its {@code output_filter}; and the {@code PredictResponse} for its outputs. Used by the
 * PredictionService and by the warm-up replay, so both read requests the same way.
 */
record GrpcPredictCall(SignatureInfo signature, Map<String, HostTensor> inputs, List<String> outputFilter)
    implements Predictor.Call {

  /** Decodes {@code request} for {@code servable}; tensors of more than {@code maxElements} are refused. */
  static GrpcPredictCall decode(PredictRequest request, Servable servable, long maxElements) {
    SignatureInfo sig = servable.signature(request.getModelSpec().getSignatureName());
    Map<String, HostTensor> inputs = new LinkedHashMap<>();
    new TreeSet<>(request.getInputsMap().keySet()).forEach(alias ->
        inputs.put(alias, TensorProtoCodec.fromProto(alias, request.getInputsMap().get(alias), maxElements)));
    Set<String> filter = new LinkedHashSet<>();
    for (String alias : request.getOutputFilterList()) {
      if (!sig.outputs().containsKey(alias)) {
        throw invalidArgument("output tensor alias not found in signature: " + alias + " Outputs expected to be in "
            + "the set {" + String.join(",", sig.outputs().keySet()) + "}.");
      }
      if (!filter.add(alias)) {
        throw invalidArgument("duplicate output tensor alias: " + alias);
      }
    }
    return new GrpcPredictCall(sig, inputs, List.copyOf(filter));
  }

  /** The {@code model_spec} of a request, checked: a model name, at most a version or a label. */
  static void checkSpec(ModelSpec spec, boolean present) {
    if (!present) {
      throw invalidArgument("Missing ModelSpec");
    }
    if (spec.getName().isEmpty()) {
      throw invalidArgument("Missing model name in request.");
    }
  }

  /** The version {@code spec} asks for, or null (a label or the newest). */
  static Long version(ModelSpec spec) {
    return spec.hasVersion() ? spec.getVersion().getValue() : null;
  }

  /** The label {@code spec} asks for, or null. */
  static String label(ModelSpec spec) {
    return spec.getVersionChoiceCase() == ModelSpec.VersionChoiceCase.VERSION_LABEL ? spec.getVersionLabel() : null;
  }

  /** The response: the outputs the filter keeps (every one without a filter), and the version that ran. */
  PredictResponse response(String model, long version, Map<String, HostTensor> outputs) {
    PredictResponse.Builder b = PredictResponse.newBuilder().setModelSpec(ModelSpec.newBuilder().setName(model)
        .setVersion(Int64Value.of(version)).setSignatureName(signature.key()));
    outputs.forEach((alias, t) -> {
      if (outputFilter.isEmpty() || outputFilter.contains(alias)) {
        b.putOutputs(alias, TensorProtoCodec.toProto(t));
      }
    });
    return b.build();
  }
}
