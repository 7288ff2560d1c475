package dev.trm.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The one shared network f(h, injection) = blocks(h + injection): {@code l_layers} post-norm blocks, each a token
 * mixer (attention, or the MLP-mixer's token MLP) and a channel SwiGLU, each followed by a gain-free RMSNorm of
 * the residual sum. Tensors are token rows [B*L, D], sequence by sequence.
 */
public final class ReasoningNet {
  private final Ops tf;
  private final TrmShape shape;
  private final Precision precision;
  private final Attention attention; // null for the MLP-mixer

  ReasoningNet(Ops tf, TrmShape shape, Precision precision) {
    this.tf = tf;
    this.shape = shape;
    this.precision = precision;
    this.attention = shape.mlpT() ? null : new Attention(tf, precision, shape);
  }

  /** f(h, injection); both [B*L, D]. The injection is added once, before the first layer. */
  public Operand<TFloat32> apply(TrmParams p, Operand<TFloat32> h, Operand<TFloat32> injection) {
    Operand<TFloat32> x = tf.math.add(h, injection);
    for (int layer = 0; layer < shape.layers(); layer++) {
      x = block(p, layer, x);
    }
    return x;
  }

  private Operand<TFloat32> block(TrmParams p, int layer, Operand<TFloat32> h) {
    float eps = shape.rmsNormEps();
    if (shape.mlpT()) {
      Operand<TFloat32> seq = tf.reshape(h, tf.constant(new int[] {-1, shape.totalLen(), shape.hidden()}));
      seq = TokenMixer.apply(tf, precision, seq, p.get(ModelTensors.layer(layer, "mlp_t.gate_up_proj.weight")),
          p.get(ModelTensors.layer(layer, "mlp_t.down_proj.weight")), shape.tokenInter(), eps);
      h = tf.reshape(seq, tf.constant(new int[] {-1, shape.hidden()}));
    } else {
      Operand<TFloat32> attended = attention.apply(h, p.get(ModelTensors.layer(layer, "self_attn.qkv_proj.weight")),
          p.get(ModelTensors.layer(layer, "self_attn.o_proj.weight")));
      h = RmsNorm.apply(tf, tf.math.add(h, attended), -1, eps);
    }
    Operand<TFloat32> mlp = SwiGlu.apply(tf, precision, h, p.get(ModelTensors.layer(layer, "mlp.gate_up_proj.weight")),
        p.get(ModelTensors.layer(layer, "mlp.down_proj.weight")), shape.channelInter());
    return RmsNorm.apply(tf, tf.math.add(h, mlp), -1, eps);
  }
}
