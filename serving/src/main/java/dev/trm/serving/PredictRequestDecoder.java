package dev.trm.serving;

import static dev.trm.serving.ServingException.invalidArgument;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trm.serving.SignatureInfo.TensorSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.tensorflow.proto.DataType;

/**
 * Decodes the body of {@code POST .../:predict} as TF Serving does ({@code util/json_tensor.cc}): an object with an
 * optional {@code signature_name} and either {@code instances} (row format: one entry per example, a plain value
 * when the signature has one input, else an object keyed by input) or {@code inputs} (columnar: one tensor per
 * input, a bare value when the signature has one input). JSON numbers become the input's dtype only when exact;
 * every error message names the element, key and expected type the way TF Serving's do.
 */
final class PredictRequestDecoder {
  /** Which of the two request layouts a body used; the response mirrors it. */
  enum Format { ROW, COLUMNAR }

  /** A decoded request. */
  record Request(String signatureName, SignatureInfo signature, Format format, Map<String, HostTensor> inputs)
      implements Predictor.Call {}

  private PredictRequestDecoder() {}

  /**
   * Decodes {@code doc}; {@code signatures} resolves a signature name ("" = serving_default) or throws the
   * ServingException that TF Serving would.
   */
  static Request decode(JsonNode doc, Function<String, SignatureInfo> signatures) {
    if (!doc.isObject()) {
      throw invalidArgument("JSON Value: " + JsonText.of(doc) + " Is not object");
    }
    String signatureName = "";
    JsonNode sig = doc.get("signature_name");
    if (sig != null) {
      if (!sig.isTextual()) {
        throw invalidArgument("JSON Value: " + JsonText.of(doc)
            + " not formatted correctly. 'signature_name' key must be a string value.");
      }
      signatureName = sig.asText();
    }
    SignatureInfo signature = signatures.apply(signatureName);
    if (signature.inputs().isEmpty()) {
      throw invalidArgument("Failed to get input map for signature: "
          + (signatureName.isEmpty() ? "DEFAULT" : signatureName));
    }
    JsonNode instances = doc.get("instances");
    JsonNode inputs = doc.get("inputs");
    if (instances != null && inputs != null) {
      throw invalidArgument("JSON Value: " + JsonText.of(doc)
          + " Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist ");
    }
    if (instances != null) {
      if (!instances.isArray()) {
        throw invalidArgument("JSON Value: " + JsonText.of(doc) + " Excepting 'instances' to be an list/array");
      }
      if (instances.isEmpty()) {
        throw invalidArgument("JSON Value: " + JsonText.of(doc) + " No values in 'instances' array");
      }
      return new Request(signatureName, signature, Format.ROW, fromInstances(instances, signature.inputs()));
    }
    if (inputs != null) {
      return new Request(signatureName, signature, Format.COLUMNAR, fromInputs(inputs, signature.inputs()));
    }
    throw invalidArgument("Missing 'inputs' or 'instances' key");
  }

  private static Map<String, HostTensor> fromInstances(JsonNode list, Map<String, TensorSpec> specs) {
    boolean named = isNamedObject(list.get(0));
    if (!named && specs.size() > 1) {
      throw invalidArgument("instances is a plain list, but expecting list of objects as multiple input tensors "
          + "required as per tensorinfo_map");
    }
    Map<String, List<JsonNode>> items = new LinkedHashMap<>();
    specs.keySet().forEach(name -> items.put(name, new ArrayList<>()));
    int index = 0;
    for (JsonNode elem : list) {
      if (named) {
        if (!isNamedObject(elem)) {
          throw invalidArgument("Expecting object but got list at item " + index + " of input list");
        }
        TreeSet<String> keys = new TreeSet<>();
        elem.fieldNames().forEachRemaining(keys::add);
        for (String key : keys) {
          if (!specs.containsKey(key)) {
            throw invalidArgument("Failed to process element: " + index + " key: " + key
                + " of 'instances' list. Error: Invalid argument: JSON object: does not have named input: " + key);
          }
        }
        TreeSet<String> names = new TreeSet<>(specs.keySet());
        if (!keys.equals(names)) {
          throw invalidArgument("Failed to process element: " + index + " of 'instances' list. JSON object: "
              + JsonText.of(elem) + " keys must be equal to: " + String.join(",", names));
        }
        keys.forEach(key -> items.get(key).add(elem.get(key)));
      } else {
        if (isNamedObject(elem)) {
          throw invalidArgument("Expecting value/list but got object at item " + index + " of input list");
        }
        items.get(specs.keySet().iterator().next()).add(elem);
      }
      index++;
    }
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<JsonNode>> e : items.entrySet()) {
      out.put(e.getKey(), stackInstances(e.getKey(), e.getValue(), specs.get(e.getKey()).dtype(), named));
    }
    return out;
  }

  /** Every instance must have the shape of the first; the result has the instances as dimension 0. */
  private static HostTensor stackInstances(String name, List<JsonNode> rows, DataType dtype, boolean named) {
    long[] rowShape = denseShape(rows.get(0));
    ValueSink sink = ValueSink.of(dtype, (int) Math.min(1 << 16, rows.size() * HostTensor.numElements(rowShape)));
    for (int i = 0; i < rows.size(); i++) {
      long[] shape = denseShape(rows.get(i));
      int before = sink.count();
      try {
        fill(rows.get(i), 0, shape, sink);
      } catch (ServingException e) {
        throw invalidArgument("Failed to process element: " + i + (named ? " key: " + name : "")
            + " of 'instances' list. Error: Invalid argument: " + e.getMessage());
      }
      if (sink.count() - before != HostTensor.numElements(rowShape)) {
        throw invalidArgument("Failed to process element: " + i + (named ? " key: " + name : "")
            + " of 'instances' list. Error: Invalid argument: Expecting tensor size: "
            + HostTensor.numElements(rowShape) + " but got: " + (sink.count() - before));
      }
      if (!java.util.Arrays.equals(shape, rowShape)) {
        throw invalidArgument("Failed to process element: " + i + (named ? " key: " + name : "")
            + " of 'instances' list. Error: Invalid argument: Expecting shape " + shapeString(rowShape)
            + " but got: " + shapeString(shape));
      }
    }
    long[] shape = new long[rowShape.length + 1];
    shape[0] = rows.size();
    System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
    return sink.toTensor(shape);
  }

  private static Map<String, HostTensor> fromInputs(JsonNode val, Map<String, TensorSpec> specs) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    if (!isNamedObject(val)) {
      if (specs.size() > 1) {
        throw invalidArgument("inputs is a plain value/list, but expecting an object as multiple input tensors "
            + "required as per tensorinfo_map");
      }
      TensorSpec spec = specs.values().iterator().next();
      out.put(spec.alias(), tensor(val, spec.dtype()));
      return out;
    }
    for (TensorSpec spec : specs.values()) {
      JsonNode item = val.get(spec.alias());
      if (item == null) {
        throw invalidArgument("Missing named input: " + spec.alias() + " in 'inputs' object.");
      }
      out.put(spec.alias(), tensor(item, spec.dtype()));
    }
    for (Iterator<String> it = val.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!specs.containsKey(key)) {
        throw invalidArgument("input tensor alias not found in signature: " + key + ". Inputs expected to be in "
            + "the set {" + String.join(",", new TreeSet<>(specs.keySet())) + "}.");
      }
    }
    return out;
  }

  private static HostTensor tensor(JsonNode val, DataType dtype) {
    long[] shape = denseShape(val);
    ValueSink sink = ValueSink.of(dtype, (int) Math.min(1 << 16, HostTensor.numElements(shape)));
    fill(val, 0, shape, sink);
    return sink.toTensor(shape);
  }

  /** The shape implied by following the first element of every nested list. */
  private static long[] denseShape(JsonNode val) {
    List<Long> dims = new ArrayList<>();
    for (JsonNode v = val; v.isArray(); v = v.get(0)) {
      dims.add((long) v.size());
      if (v.isEmpty()) {
        break;
      }
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  /** Appends the values of {@code val} in row-major order, checking that it is dense with {@code shape}. */
  private static void fill(JsonNode val, int level, long[] shape, ValueSink sink) {
    int rank = shape.length;
    if (!val.isArray()) {
      if (level != rank) {
        throw invalidArgument("JSON Value: " + JsonText.of(val) + " found at incorrect level: " + (level + 1)
            + " in the JSON DOM. Expected at level: " + rank);
      }
      sink.add(val);
      return;
    }
    if (level >= rank) {
      throw invalidArgument("Encountered list at unexpected level: " + level + " expected < " + rank);
    }
    if (val.size() != shape[level]) {
      throw invalidArgument("Encountered list at unexpected size: " + val.size() + " at level: " + level
          + " expected size: " + shape[level]);
    }
    for (JsonNode v : val) {
      fill(v, level + 1, shape, sink);
    }
  }

  /** An object that is not a {"b64": ...} value. */
  private static boolean isNamedObject(JsonNode val) {
    return val.isObject() && !(val.size() == 1 && val.has("b64") && val.get("b64").isTextual());
  }

  static String shapeString(long[] shape) {
    return java.util.Arrays.toString(shape).replace(" ", "");
  }
}
