package dev.trm.model;

import dev.trm.model.ParamSpec.Constant;
import dev.trm.model.ParamSpec.Kind;
import dev.trm.model.ParamSpec.TruncNormal;
import dev.trm.model.config.ArchConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The model's tensors as graph operands, by official name: either fresh ref variables ({@link #createVariables})
 * or any operands ({@link #of}, e.g. EMA shadows or fed weights). All model code reads weights from here, so the
 * same code builds the training, evaluation and serving graphs.
 */
public final class TrmParams {
  /** Standard deviation of a standard normal truncated to [-2, 2]: sqrt(1 - 4 phi(2) / (2 Phi(2) - 1)). */
  static final double TRUNCATED_STD;

  static {
    double pdf2 = Math.exp(-2) / Math.sqrt(2 * Math.PI);
    double mass = 0.9544997361036416; // erf(sqrt(2)) = P(|N(0,1)| < 2)
    TRUNCATED_STD = Math.sqrt(1 - 4 * pdf2 / mass);
  }

  private final Map<String, Operand<TFloat32>> reads;
  private final Map<String, Variable<TFloat32>> variables;
  private final Map<String, Kind> kinds;

  private TrmParams(Map<String, Operand<TFloat32>> reads, Map<String, Variable<TFloat32>> variables,
      Map<String, Kind> kinds) {
    this.reads = Collections.unmodifiableMap(reads);
    this.variables = Collections.unmodifiableMap(variables);
    this.kinds = Collections.unmodifiableMap(kinds);
  }

  /**
   * Creates one ref variable ({@code VariableV2}) per {@link ParamSpec}, op name = official name, initialised
   * deterministically from {@code seed} (stateless truncated normal, one stream per tensor).
   */
  public static TrmParams createVariables(Ops tf, ArchConfig arch, ModelDims dims, long seed) {
    List<ParamSpec> specs = ModelTensors.specs(arch, dims);
    Ops init = tf.withInitScope();
    Map<String, Operand<TFloat32>> reads = new LinkedHashMap<>();
    Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
    Map<String, Kind> kinds = new LinkedHashMap<>();
    for (int i = 0; i < specs.size(); i++) {
      ParamSpec spec = specs.get(i);
      Variable<TFloat32> v = tf.withName(spec.name()).variable(initialValue(init, spec, seed, i));
      variables.put(spec.name(), v);
      // Ops must read through an identity: some gradients crash on float_ref inputs.
      reads.put(spec.name(), tf.identity(v));
      kinds.put(spec.name(), spec.kind());
    }
    return new TrmParams(reads, variables, kinds);
  }

  /** Wraps existing operands (official names, without prefix); they have no variables. */
  public static TrmParams of(Map<String, Operand<TFloat32>> operands) {
    return new TrmParams(new LinkedHashMap<>(operands), Map.of(), Map.of());
  }

  /** The graph value of the tensor of that official name. */
  public Operand<TFloat32> get(String name) {
    Operand<TFloat32> op = reads.get(name);
    if (op == null) {
      throw new IllegalArgumentException("no model tensor '" + name + "' (have " + reads.keySet() + ")");
    }
    return op;
  }

  /**
   * Checks that every tensor of {@code specs} is present with a compatible static shape (unknown dimensions
   * pass); the message names each offending tensor.
   */
  public void check(List<ParamSpec> specs) {
    StringBuilder problems = new StringBuilder();
    for (ParamSpec spec : specs) {
      Operand<TFloat32> op = reads.get(spec.name());
      if (op == null) {
        problems.append("\n  missing tensor '").append(spec.name()).append("'");
      } else if (!Shapes.compatible(op.shape(), spec.shape())) {
        problems.append("\n  tensor '").append(spec.name()).append("' has shape ").append(op.shape())
            .append(", the model needs ").append(Shape.of(spec.shape()));
      }
    }
    if (problems.length() > 0) {
      throw new IllegalArgumentException("model parameters do not fit the config:" + problems);
    }
  }

  /** The identity reads the graph uses, by official name, in the official order. */
  public Map<String, Operand<TFloat32>> reads() {
    return reads;
  }

  /** Every variable (empty for {@link #of}), by official name, in the official order. */
  public Map<String, Variable<TFloat32>> variables() {
    return variables;
  }

  /** The variables the main optimizer trains and EMA tracks: kind TRAINABLE. */
  public Map<String, Variable<TFloat32>> trainable() {
    Map<String, Variable<TFloat32>> out = new LinkedHashMap<>();
    variables.forEach((name, v) -> {
      if (kinds.get(name) == Kind.TRAINABLE) {
        out.put(name, v);
      }
    });
    return Collections.unmodifiableMap(out);
  }

  /** The initial value of {@code spec}, built in the init scope. */
  static Operand<TFloat32> initialValue(Ops init, ParamSpec spec, long seed, int stream) {
    Operand<org.tensorflow.types.TInt64> shape = init.constant(Shape.of(spec.shape()));
    if (spec.init() instanceof Constant c) {
      return init.fill(shape, init.constant(c.value()));
    }
    TruncNormal t = (TruncNormal) spec.init();
    return init.math.mul(
        init.random.statelessTruncatedNormal(shape, init.constant(new long[] {seed, stream})),
        init.constant((float) (t.std() / TRUNCATED_STD)));
  }
}
