package dev.trm.bench;

import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Split;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * An experiment: {@code uses} applications of the channel SwiGLU, down(silu(x Wg^T) * (x Wu^T)), sharing one
 * fused weight [gate | up] as the recursion shares it, forward and backward, written two ways.
 *
 * <ul>
 *   <li>{@link Form#SPLIT_ACTIVATIONS}: the model's current form: one MatMul to [N, 2I], then a Split of the
 *       activations (a strided copy of [N, 2I] per use, and a Concat of their gradients in the backward).
 *   <li>{@link Form#SPLIT_WEIGHTS}: the weight is split once into gate and up halves (rows of the PyTorch
 *       layout: contiguous), each use runs two MatMuls of half width and no activation is copied.
 * </ul>
 */
public final class ChannelMlpVariants implements AutoCloseable {
  /** Where the [gate | up] split happens. */
  public enum Form { SPLIT_ACTIVATIONS, SPLIT_WEIGHTS }

  private final Graph graph = new Graph();
  private final Session session;
  private final Operand<TFloat32> gradNorm;
  private final double flops;

  /** {@code uses} chained applications on [rows, hidden] with inner width {@code inter}. */
  public ChannelMlpVariants(Form form, int uses, int rows, int hidden, int inter, ConfigProto config) {
    Ops tf = Ops.create(graph);
    Operand<TFloat32> gateUp =
        tf.identity(tf.variable(BenchOps.normal(tf, 1, 1 / Math.sqrt(hidden), 2L * inter, hidden)));
    Operand<TFloat32> down = tf.identity(tf.variable(BenchOps.normal(tf, 2, 1 / Math.sqrt(inter), hidden, inter)));
    Operand<TFloat32> x0 = tf.identity(tf.variable(BenchOps.normal(tf, 3, 1, rows, hidden)));
    Operand<TFloat32> gate = null;
    Operand<TFloat32> up = null;
    if (form == Form.SPLIT_WEIGHTS) {
      Split<TFloat32> halves = tf.split(tf.constant(0), gateUp, 2L); // once per graph, not per use
      gate = halves.output().get(0);
      up = halves.output().get(1);
    }
    Operand<TFloat32> x = x0;
    for (int i = 0; i < uses; i++) {
      Operand<TFloat32> mixed;
      if (form == Form.SPLIT_WEIGHTS) {
        Operand<TFloat32> g = tf.linalg.matMul(x, gate, MatMul.transposeB(true));
        mixed = tf.math.mul(tf.math.mul(g, tf.math.sigmoid(g)), tf.linalg.matMul(x, up, MatMul.transposeB(true)));
      } else {
        Split<TFloat32> halves = tf.split(tf.constant(1), tf.linalg.matMul(x, gateUp, MatMul.transposeB(true)), 2L);
        Operand<TFloat32> g = halves.output().get(0);
        mixed = tf.math.mul(tf.math.mul(g, tf.math.sigmoid(g)), halves.output().get(1));
      }
      x = tf.math.add(x, tf.linalg.matMul(mixed, down, MatMul.transposeB(true)));
    }
    Operand<TFloat32> loss = tf.reduceSum(tf.math.mul(x, tf.constant(0.01f)), tf.constant(new int[] {0, 1}));
    gradNorm = BenchOps.gradientNorm(tf, loss, List.of(gateUp, down, x0));
    flops = 3.0 * uses * (2.0 * rows * hidden * 2 * inter + 2.0 * rows * inter * hidden);
    session = new Session(graph, config);
    session.initialize();
  }

  /** FLOPs of one {@link #run}: forward plus backward of the products. */
  public double flops() {
    return flops;
  }

  /** Runs forward and backward once; returns the gradient norm. */
  public float run() {
    try (var r = session.runner().fetch(gradNorm).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }


  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
