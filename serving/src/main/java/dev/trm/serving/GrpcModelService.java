package dev.trm.serving;

import dev.trm.serving.ModelManager.VersionStatus;
import dev.trm.serving.api.GetModelStatusRequest;
import dev.trm.serving.api.GetModelStatusResponse;
import dev.trm.serving.api.ModelServiceGrpc;
import dev.trm.serving.api.ModelSpec;
import dev.trm.serving.api.ModelVersionStatus;
import dev.trm.serving.api.ReloadConfigRequest;
import dev.trm.serving.api.ReloadConfigResponse;
import dev.trm.serving.api.StatusProto;
import dev.trm.serving.config.ModelConfig;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.proto.error.Code;

/**
 * {@code tensorflow.serving.ModelService}: the version states of a model (as {@code GET /v1/models/{name}}), and
 * HandleReloadConfigRequest, which replaces the served model list as a new {@code --model_config_file} would:
 * models no longer listed are unloaded, new ones loaded before the call returns.
 */
final class GrpcModelService extends ModelServiceGrpc.ModelServiceImplBase {
  private final Predictor predictor;
  private final GrpcAnswers answers;

  GrpcModelService(Predictor predictor) {
    this.predictor = predictor;
    this.answers = new GrpcAnswers(predictor.metrics());
  }

  @Override
  public void getModelStatus(GetModelStatusRequest request, StreamObserver<GetModelStatusResponse> observer) {
    answers.answer("GetModelStatus", request.getModelSpec().getName(), observer, () -> {
      ModelSpec spec = request.getModelSpec();
      GrpcPredictCall.checkSpec(spec, request.hasModelSpec());
      String label = GrpcPredictCall.label(spec);
      Long version = GrpcPredictCall.version(spec);
      if (label != null) {
        version = predictor.labelledVersion(spec.getName(), label);
      }
      GetModelStatusResponse.Builder b = GetModelStatusResponse.newBuilder();
      for (VersionStatus s : predictor.manager().status(spec.getName(), version)) {
        b.addModelVersionStatus(ModelVersionStatus.newBuilder().setVersion(s.version())
            .setState(ModelVersionStatus.State.valueOf(s.state()))
            .setStatus(StatusProto.newBuilder().setErrorCode(Code.valueOf(s.errorCode()))
                .setErrorMessage(s.errorMessage())));
      }
      return b.build();
    });
  }

  @Override
  public void handleReloadConfigRequest(ReloadConfigRequest request, StreamObserver<ReloadConfigResponse> observer) {
    answers.answer("HandleReloadConfigRequest", "", observer, () -> {
      List<ModelConfig> models;
      try {
        models = ServingConfigs.checkModels(request.getConfig().getModelConfigList().getConfigList(),
            "ReloadConfigRequest.config");
      } catch (IllegalArgumentException e) {
        throw ServingException.invalidArgument(e.getMessage());
      }
      for (ModelConfig m : models) {
        if (!Files.isDirectory(Path.of(m.getBasePath()))) {
          throw ServingException.invalidArgument("ReloadConfigRequest.config: model '" + m.getName()
              + "': base path " + m.getBasePath() + " is not a directory");
        }
      }
      predictor.manager().setConfig(models);
      predictor.manager().poll();
      return ReloadConfigResponse.newBuilder().setStatus(StatusProto.newBuilder().setErrorCode(Code.OK)).build();
    });
  }
}
