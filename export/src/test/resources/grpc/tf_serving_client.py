"""A TF Serving gRPC client, as any Python user writes one: stubs generated from TF Serving's API definitions
(package tensorflow.serving), grpcio. Usage: tf_serving_client.py STUBS_DIR HOST:PORT MODEL < puzzles.json
(a list of token lists, puzzle id 1 each). Prints one JSON object: the Predict outputs, the model status and
the status code of a Classify call."""
import json
import sys

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from tensorflow.core.framework import tensor_pb2, tensor_shape_pb2, types_pb2  # noqa: E402
from tensorflow_serving.apis import (classification_pb2,  # noqa: E402
                                     get_model_status_pb2, model_pb2, model_service_pb2_grpc, predict_pb2,
                                     prediction_service_pb2_grpc)


def int32_tensor(values, shape):
    dims = [tensor_shape_pb2.TensorShapeProto.Dim(size=d) for d in shape]
    return tensor_pb2.TensorProto(dtype=types_pb2.DT_INT32, tensor_shape=tensor_shape_pb2.TensorShapeProto(dim=dims),
                                  int_val=values)


def main():
    target, model = sys.argv[2], sys.argv[3]
    puzzles = json.load(sys.stdin)
    with grpc.insecure_channel(target) as channel:
        predict = prediction_service_pb2_grpc.PredictionServiceStub(channel)
        request = predict_pb2.PredictRequest()
        request.model_spec.name = model
        request.model_spec.signature_name = "serving_default"
        request.inputs["inputs"].CopyFrom(int32_tensor([t for p in puzzles for t in p], [len(puzzles), len(puzzles[0])]))
        request.inputs["puzzle_identifiers"].CopyFrom(int32_tensor([1] * len(puzzles), [len(puzzles)]))
        response = predict.Predict(request, timeout=60)
        out = {
            "version": response.model_spec.version.value,
            "predictions": list(response.outputs["predictions"].int_val),
            "steps": list(response.outputs["steps"].int_val),
            "q_halt_logits": list(response.outputs["q_halt_logits"].float_val),
        }
        status = model_service_pb2_grpc.ModelServiceStub(channel).GetModelStatus(
            get_model_status_pb2.GetModelStatusRequest(model_spec=model_pb2.ModelSpec(name=model)), timeout=60)
        out["status"] = [{"version": s.version, "state": get_model_status_pb2.ModelVersionStatus.State.Name(s.state)}
                         for s in status.model_version_status]
        try:
            predict.Classify(classification_pb2.ClassificationRequest(model_spec=model_pb2.ModelSpec(name=model)),
                             timeout=60)
            out["classify"] = "OK"
        except grpc.RpcError as e:
            out["classify"] = e.code().name
    print(json.dumps(out))


if __name__ == "__main__":
    main()
