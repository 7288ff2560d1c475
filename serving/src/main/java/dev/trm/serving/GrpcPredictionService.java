package dev.trm.serving;

import com.google.protobuf.Any;
import com.google.protobuf.Int64Value;
import dev.trm.serving.api.ClassificationRequest;
import dev.trm.serving.api.ClassificationResponse;
import dev.trm.serving.api.GetModelMetadataRequest;
import dev.trm.serving.api.GetModelMetadataResponse;
import dev.trm.serving.api.ModelSpec;
import dev.trm.serving.api.MultiInferenceRequest;
import dev.trm.serving.api.MultiInferenceResponse;
import dev.trm.serving.api.PredictRequest;
import dev.trm.serving.api.PredictResponse;
import dev.trm.serving.api.PredictionServiceGrpc;
import dev.trm.serving.api.RegressionRequest;
import dev.trm.serving.api.RegressionResponse;
import dev.trm.serving.api.SignatureDefMap;
import io.grpc.stub.StreamObserver;

/**
 * {@code tensorflow.serving.PredictionService}: Predict through the {@link Predictor} the REST API uses (so lookup,
 * batching, deadlines and errors are the same), and GetModelMetadata. Classify, Regress and MultiInference need
 * classification or regression signatures, which these models do not have: they answer UNIMPLEMENTED.
 */
final class GrpcPredictionService extends PredictionServiceGrpc.PredictionServiceImplBase {
  private static final String SIGNATURE_DEF = "signature_def";

  private final Predictor predictor;
  private final GrpcAnswers answers;
  private final long maxElements;

  /** Input tensors of more than {@code maxElements} elements are refused. */
  GrpcPredictionService(Predictor predictor, long maxElements) {
    this.predictor = predictor;
    this.answers = new GrpcAnswers(predictor.metrics());
    this.maxElements = maxElements;
  }

  @Override
  public void predict(PredictRequest request, StreamObserver<PredictResponse> observer) {
    answers.answer("Predict", request.getModelSpec().getName(), observer, () -> {
      ModelSpec spec = request.getModelSpec();
      GrpcPredictCall.checkSpec(spec, request.hasModelSpec());
      Predictor.Prediction<GrpcPredictCall> p = predictor.predict(spec.getName(), GrpcPredictCall.version(spec),
          GrpcPredictCall.label(spec), servable -> GrpcPredictCall.decode(request, servable, maxElements));
      return p.call().response(spec.getName(), p.version(), p.outputs());
    });
  }

  @Override
  public void getModelMetadata(GetModelMetadataRequest request, StreamObserver<GetModelMetadataResponse> observer) {
    answers.answer("GetModelMetadata", request.getModelSpec().getName(), observer, () -> {
      ModelSpec spec = request.getModelSpec();
      GrpcPredictCall.checkSpec(spec, request.hasModelSpec());
      if (request.getMetadataFieldCount() == 0) {
        throw ServingException.invalidArgument("GetModelMetadataRequest must specify at least one metadata_field");
      }
      for (String field : request.getMetadataFieldList()) {
        if (!field.equals(SIGNATURE_DEF)) {
          throw ServingException.invalidArgument("Metadata field " + field + " is not supported");
        }
      }
      Servable s = predictor.manager().acquire(spec.getName(), GrpcPredictCall.version(spec),
          GrpcPredictCall.label(spec));
      try {
        SignatureDefMap defs = SignatureDefMap.newBuilder()
            .putAllSignatureDef(s.metaGraphDef().getSignatureDefMap()).build();
        return GetModelMetadataResponse.newBuilder()
            .setModelSpec(ModelSpec.newBuilder().setName(spec.getName()).setVersion(Int64Value.of(s.version())))
            .putMetadata(SIGNATURE_DEF, Any.pack(defs)).build();
      } finally {
        s.release();
      }
    });
  }

  @Override
  public void classify(ClassificationRequest request, StreamObserver<ClassificationResponse> observer) {
    answers.answer("Classify", request.getModelSpec().getName(), observer, () -> {
      throw unimplemented("Classify", "classify");
    });
  }

  @Override
  public void regress(RegressionRequest request, StreamObserver<RegressionResponse> observer) {
    answers.answer("Regress", request.getModelSpec().getName(), observer, () -> {
      throw unimplemented("Regress", "regress");
    });
  }

  @Override
  public void multiInference(MultiInferenceRequest request, StreamObserver<MultiInferenceResponse> observer) {
    answers.answer("MultiInference", "", observer, () -> {
      throw unimplemented("MultiInference", "classify or tensorflow/serving/regress");
    });
  }

  private static ServingException unimplemented(String method, String kind) {
    return new ServingException(ServingException.Code.UNIMPLEMENTED, method + " needs a tensorflow/serving/" + kind
        + " signature; these models have predict signatures only: use Predict");
  }
}
