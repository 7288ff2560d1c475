package dev.trm.serving;

import dev.trm.serving.SignatureInfo.TensorSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TFUnimplementedException;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.RunOptions;

/**
 * One loaded version of a model: a SavedModel bundle, its signatures, and a use count so that a version retired
 * while requests still run on it is closed only when the last one finishes.
 */
public final class Servable {
  private final String model;
  private final long version;
  private final SavedModelBundle bundle;
  private final Map<String, SignatureInfo> signatures;
  private int users;
  private boolean retired;

  private Servable(String model, long version, SavedModelBundle bundle) {
    this.model = model;
    this.version = version;
    this.bundle = bundle;
    Map<String, SignatureInfo> sigs = new TreeMap<>();
    bundle.metaGraphDef().getSignatureDefMap().forEach((k, v) -> sigs.put(k, SignatureInfo.of(k, v)));
    this.signatures = Collections.unmodifiableMap(sigs);
  }

  /** Loads {@code dir} (a SavedModel directory) with {@code tags}; TensorFlow errors propagate. */
  public static Servable load(String model, long version, Path dir, ConfigProto config, String... tags) {
    SavedModelBundle bundle = SavedModelBundle.loader(dir.toString()).withTags(tags).withConfigProto(config).load();
    return new Servable(model, version, bundle);
  }

  public String model() {
    return model;
  }

  public long version() {
    return version;
  }

  /** Signatures by key, sorted. */
  public Map<String, SignatureInfo> signatures() {
    return signatures;
  }

  public MetaGraphDef metaGraphDef() {
    return bundle.metaGraphDef();
  }

  /** The signature {@code name} ("" = serving_default) or INVALID_ARGUMENT as TF Serving words it. */
  public SignatureInfo signature(String name) {
    String key = name.isEmpty() ? "serving_default" : name;
    SignatureInfo sig = signatures.get(key);
    if (sig == null) {
      throw ServingException.invalidArgument("Serving signature name: \"" + key + "\" not found in signature def");
    }
    return sig;
  }

  /**
   * Runs {@code signature} on {@code inputs} (by alias; checked against the signature's names, dtypes and static
   * shapes) and returns every output by alias. A TensorFlow error becomes the ServingException of its code.
   */
  public Map<String, HostTensor> run(SignatureInfo signature, Map<String, HostTensor> inputs, long timeoutMs) {
    checkInputs(signature, inputs);
    List<Tensor> fed = new ArrayList<>();
    long start = System.nanoTime();
    try {
      Session.Runner runner = bundle.session().runner();
      if (timeoutMs > 0) {
        runner.setOptions(RunOptions.newBuilder().setTimeoutInMs(timeoutMs).build());
      }
      for (TensorSpec spec : signature.inputs().values()) {
        Tensor t = inputs.get(spec.alias()).toTensor();
        fed.add(t);
        runner.feed(spec.tensorName(), t);
      }
      List<String> aliases = new ArrayList<>(signature.outputs().keySet());
      aliases.forEach(a -> runner.fetch(signature.outputs().get(a).tensorName()));
      try (Result result = runner.run()) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (int i = 0; i < aliases.size(); i++) {
          out.put(aliases.get(i), HostTensor.of(result.get(i)));
        }
        return out;
      }
    } catch (TensorFlowException | TFInvalidArgumentException | TFUnimplementedException e) {
      ServingException mapped = ServingException.fromTensorFlow(e);
      // TF Java has no class for DEADLINE_EXCEEDED: a run that failed past its deadline is taken as its timeout.
      if (mapped.code() == ServingException.Code.INTERNAL && timeoutMs > 0
          && System.nanoTime() - start >= java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
        throw new ServingException(ServingException.Code.DEADLINE_EXCEEDED,
            "Deadline exceeded: the model run took longer than " + timeoutMs + " ms");
      }
      throw mapped;
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  /** TF Serving's checks on the request's inputs, plus dtype and static shape (so errors name the input). */
  static void checkInputs(SignatureInfo signature, Map<String, HostTensor> inputs) {
    if (!inputs.keySet().equals(signature.inputs().keySet())) {
      TreeSet<String> sent = new TreeSet<>(inputs.keySet());
      List<String> extra = sent.stream().filter(k -> !signature.inputs().containsKey(k)).toList();
      List<String> missing = signature.inputs().keySet().stream().filter(k -> !inputs.containsKey(k)).toList();
      throw ServingException.invalidArgument("input size does not match signature: " + inputs.size() + "!="
          + signature.inputs().size() + " len({" + String.join(",", sent) + "}) != len({"
          + String.join(",", signature.inputs().keySet()) + "}). Sent extra: {" + String.join(",", extra)
          + "}. Missing but required: {" + String.join(",", missing) + "}.");
    }
    for (TensorSpec spec : signature.inputs().values()) {
      HostTensor t = inputs.get(spec.alias());
      if (t.dtype() != spec.dtype()) {
        throw ServingException.invalidArgument("input '" + spec.alias() + "' has dtype " + HostTensor.typeName(t.dtype())
            + ", the signature expects " + HostTensor.typeName(spec.dtype()));
      }
      if (!spec.accepts(t.shape())) {
        throw ServingException.invalidArgument("input '" + spec.alias() + "' has shape "
            + PredictRequestDecoder.shapeString(t.shape()) + ", the signature expects " + spec.shapeString()
            + " (-1 = any size)");
      }
    }
  }

  /** Takes a use of this servable; false once it has been retired. */
  synchronized boolean acquire() {
    if (retired) {
      return false;
    }
    users++;
    return true;
  }

  /** Ends a use taken by {@link #acquire}. */
  public synchronized void release() {
    if (--users == 0 && retired) {
      bundle.close();
    }
  }

  /** No new uses; the bundle closes when the last running one ends. */
  synchronized void retire() {
    if (!retired) {
      retired = true;
      if (users == 0) {
        bundle.close();
      }
    }
  }
}
