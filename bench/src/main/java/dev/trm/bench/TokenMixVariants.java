package dev.trm.bench;

import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Split;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.op.math.Mean;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;

/**
 * An experiment: the MLP-mixer's token-mixing sub-block, t = RMSNorm_L(t + SwiGLU_L(t)), forward and backward,
 * written three ways that compute the same function, to measure which layout TensorFlow runs fastest.
 *
 * <ul>
 *   <li>{@link Layout#TRANSPOSED}: the official code and the model's form: transpose [B, L, D] to [B, D, L], 2-D
 *       MatMuls on [B*D, L] rows, transpose back.
 *   <li>{@link Layout#LEFT_BATCHED}: weights on the left, W [2I, L] x h [B, L, D] as a broadcasting BatchMatMul,
 *       no transposes (the model's form before issue #6: as fast in fp32, half as fast in bf16).
 *   <li>{@link Layout#SEQUENCE_MAJOR}: activations kept as [L, B, D] (sequence first) through the whole net, so
 *       the token MLP is a plain 2-D MatMul W [2I, L] x X [L, B*D] and the channel MLP still sees token rows
 *       [L*B, D]: no transposes and no batched kernels.
 * </ul>
 *
 * <p>With {@code bf16} every product runs on bfloat16 operands and is cast back to float32, as the model's
 * {@code forward_dtype: BFLOAT16} does it.
 */
public final class TokenMixVariants implements AutoCloseable {
  /** How the activations are laid out around the token MLP. */
  public enum Layout { TRANSPOSED, LEFT_BATCHED, SEQUENCE_MAJOR }

  private static final float EPS = 1e-5f;

  private final Graph graph = new Graph();
  private final Ops tf = Ops.create(graph);
  private final boolean bf16;
  private final Session session;
  private final Operand<TFloat32> gradNorm;
  private final double flops;

  /**
   * Builds the sub-block for a batch of {@code batch} sequences of {@code len} tokens of width {@code hidden}
   * with token-MLP inner width {@code inter}, and the gradients of a fixed projection of its output.
   */
  public TokenMixVariants(Layout layout, int batch, int len, int hidden, int inter, boolean bf16,
      ConfigProto config) {
    this.bf16 = bf16;
    Operand<TFloat32> gateUp = tf.identity(tf.variable(BenchOps.normal(tf, 1, 1 / Math.sqrt(len), 2L * inter, len)));
    Operand<TFloat32> down = tf.identity(tf.variable(BenchOps.normal(tf, 2, 1 / Math.sqrt(inter), len, inter)));
    // The same input in the variant's own layout: [B, L, D], or [L, B, D] for SEQUENCE_MAJOR.
    Operand<TFloat32> input = BenchOps.normal(tf, 3, 1, batch, len, hidden);
    if (layout == Layout.SEQUENCE_MAJOR) {
      input = tf.linalg.transpose(input, tf.constant(new int[] {1, 0, 2}));
    }
    Operand<TFloat32> h = tf.identity(tf.variable(input));
    Operand<TFloat32> out = switch (layout) {
      case TRANSPOSED -> transposed(h, gateUp, down, batch, len, hidden);
      case LEFT_BATCHED -> leftBatched(h, gateUp, down);
      case SEQUENCE_MAJOR -> sequenceMajor(h, gateUp, down, batch, len, hidden);
    };
    Operand<TFloat32> probe = tf.constant(0.01f);
    Operand<TFloat32> loss = tf.reduceSum(tf.math.mul(out, probe), tf.constant(new int[] {0, 1, 2}));
    gradNorm = BenchOps.gradientNorm(tf, loss, List.of(gateUp, down, h));
    // Forward: L -> 2I and I -> L for each of the B*D channels; backward twice that.
    flops = 3 * (2.0 * batch * hidden * len * 2 * inter + 2.0 * batch * hidden * inter * len);
    session = new Session(graph, config);
    session.initialize();
  }

  /** FLOPs of one {@link #run}: forward plus backward of the two products. */
  public double flops() {
    return flops;
  }

  /** Runs forward and backward once; returns the gradient norm. */
  public float run() {
    try (var r = session.runner().fetch(gradNorm).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  private Operand<TFloat32> transposed(Operand<TFloat32> h, Operand<TFloat32> gateUp, Operand<TFloat32> down,
      int batch, int len, int hidden) {
    Operand<TFloat32> t = tf.linalg.transpose(h, tf.constant(new int[] {0, 2, 1})); // [B, D, L]
    Operand<TFloat32> rows = tf.reshape(t, tf.constant(new int[] {batch * hidden, len}));
    Operand<TFloat32> mixed = swiglu(matMul(rows, gateUp, true), 1);
    Operand<TFloat32> back = matMul(mixed, down, true); // [B*D, L]
    Operand<TFloat32> normed = rmsNorm(tf.math.add(rows, back), 1);
    return tf.linalg.transpose(tf.reshape(normed, tf.constant(new int[] {batch, hidden, len})),
        tf.constant(new int[] {0, 2, 1}));
  }

  private Operand<TFloat32> leftBatched(Operand<TFloat32> h, Operand<TFloat32> gateUp, Operand<TFloat32> down) {
    Operand<TFloat32> mixed = swiglu(batchMatMul(gateUp, h), 1); // [B, I, D]
    return rmsNorm(tf.math.add(h, batchMatMul(down, mixed)), 1);
  }

  private Operand<TFloat32> sequenceMajor(Operand<TFloat32> h, Operand<TFloat32> gateUp, Operand<TFloat32> down,
      int batch, int len, int hidden) {
    Operand<TFloat32> cols = tf.reshape(h, tf.constant(new int[] {len, batch * hidden})); // free: [L, B*D]
    Operand<TFloat32> mixed = swiglu(matMul(gateUp, cols, false), 0); // [I, B*D]
    Operand<TFloat32> normed = rmsNorm(tf.math.add(cols, matMul(down, mixed, false)), 0);
    return tf.reshape(normed, tf.constant(new int[] {len, batch, hidden}));
  }

  private Operand<TFloat32> matMul(Operand<TFloat32> a, Operand<TFloat32> b, boolean transposeB) {
    if (!bf16) {
      return tf.linalg.matMul(a, b, MatMul.transposeB(transposeB));
    }
    return toFloat(tf.linalg.matMul(toBf16(a), toBf16(b), MatMul.transposeB(transposeB)));
  }

  private Operand<TFloat32> batchMatMul(Operand<TFloat32> a, Operand<TFloat32> b) {
    if (!bf16) {
      return tf.train.batchMatMul(a, b, TFloat32.class);
    }
    return toFloat(tf.train.batchMatMul(toBf16(a), toBf16(b), TBfloat16.class));
  }

  private Operand<TBfloat16> toBf16(Operand<TFloat32> x) {
    return tf.dtypes.cast(x, TBfloat16.class);
  }

  private Operand<TFloat32> toFloat(Operand<TBfloat16> x) {
    return tf.dtypes.cast(x, TFloat32.class);
  }

  /** silu(gate) * up, with [gate | up] split along {@code axis}. */
  private Operand<TFloat32> swiglu(Operand<TFloat32> gateUp, int axis) {
    Split<TFloat32> halves = tf.split(tf.constant(axis), gateUp, 2L);
    Operand<TFloat32> gate = halves.output().get(0);
    return tf.math.mul(tf.math.mul(gate, tf.math.sigmoid(gate)), halves.output().get(1));
  }

  private Operand<TFloat32> rmsNorm(Operand<TFloat32> x, int axis) {
    Operand<TFloat32> meanSquare = tf.math.mean(tf.math.square(x), tf.constant(axis), Mean.keepDims(true));
    return tf.math.mul(x, tf.math.rsqrt(tf.math.add(meanSquare, tf.constant(EPS))));
  }


  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
