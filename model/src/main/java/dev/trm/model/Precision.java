package dev.trm.model;

import dev.trm.model.config.DType;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;

/**
 * Where the compute dtype applies: the matmuls. With {@code forward_dtype: BFLOAT16} both operands are cast to
 * bfloat16 (the fp32 master weights stay fp32) and the product is cast back, so norms, RoPE, softmax, residual
 * sums and the q head stay fp32. (The official code also keeps activations in bf16 between matmuls.)
 */
final class Precision {
  private final Ops tf;
  private final boolean bf16;

  Precision(Ops tf, DType dtype) {
    this.tf = tf;
    this.bf16 = dtype == DType.BFLOAT16;
  }

  /** x [N, in] times a PyTorch-layout weight [out, in], transposed: [N, out]. */
  Operand<TFloat32> linear(Operand<TFloat32> x, Operand<TFloat32> weight) {
    if (!bf16) {
      return tf.linalg.matMul(x, weight, MatMul.transposeB(true));
    }
    return toFloat(tf.linalg.matMul(toBf16(x), toBf16(weight), MatMul.transposeB(true)));
  }

  private Operand<TBfloat16> toBf16(Operand<TFloat32> x) {
    return tf.dtypes.cast(x, TBfloat16.class);
  }

  private Operand<TFloat32> toFloat(Operand<TBfloat16> x) {
    return tf.dtypes.cast(x, TFloat32.class);
  }
}
