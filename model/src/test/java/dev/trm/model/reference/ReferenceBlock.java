package dev.trm.model.reference;

import static dev.trm.model.reference.ReferenceMath.add;
import static dev.trm.model.reference.ReferenceMath.linear;
import static dev.trm.model.reference.ReferenceMath.rmsNormRows;
import static dev.trm.model.reference.ReferenceMath.transpose;

import dev.trm.model.config.PosEncoding;

/**
 * One post-norm block of the shared network, on one sequence h [L, D]:
 * <pre>
 *   attention:  h = norm(h + Attn(h));                      h = norm(h + SwiGLU_D(h))
 *   MLP-mixer:  hᵀ = norm(hᵀ + SwiGLU_L(hᵀ))  (over tokens); h = norm(h + SwiGLU_D(h))
 * </pre>
 * RMSNorm has no gain; attention has no mask and no bias.
 */
final class ReferenceBlock {
  private final ReferenceDims dims;
  private final double eps;
  private final ReferenceRope rope; // null unless RoPE
  private final double[][] qkv; // [3D, D], output columns [q heads | k heads | v heads]
  private final double[][] out; // [D, D]
  private final SwiGlu tokenMixer; // MLP-mixer only, over the L axis
  private final SwiGlu channelMlp;

  /** A SwiGLU: gateUp [2·inter, in] whose first half of outputs is the gate, down [in, inter]. */
  record SwiGlu(double[][] gateUp, double[][] down) {
    double[][] apply(double[][] x) {
      double[][] gu = linear(x, gateUp);
      int inter = down[0].length;
      double[][] hidden = new double[x.length][inter];
      for (int n = 0; n < x.length; n++) {
        for (int i = 0; i < inter; i++) {
          hidden[n][i] = ReferenceMath.silu(gu[n][i]) * gu[n][inter + i];
        }
      }
      return linear(hidden, down);
    }
  }

  ReferenceBlock(ReferenceWeights w, ReferenceDims dims, int layer) {
    this.dims = dims;
    this.eps = dims.arch().getRmsNormEps();
    String p = "L_level.layers." + layer + ".";
    boolean mlpT = dims.arch().getMlpT();
    this.qkv = mlpT ? null : w.matrix(p + "self_attn.qkv_proj.weight");
    this.out = mlpT ? null : w.matrix(p + "self_attn.o_proj.weight");
    this.rope = !mlpT && dims.arch().getPosEncodings() == PosEncoding.ROPE
        ? new ReferenceRope(dims.headDim(), dims.arch().getRopeTheta()) : null;
    this.tokenMixer = mlpT
        ? new SwiGlu(w.matrix(p + "mlp_t.gate_up_proj.weight"), w.matrix(p + "mlp_t.down_proj.weight")) : null;
    this.channelMlp = new SwiGlu(w.matrix(p + "mlp.gate_up_proj.weight"), w.matrix(p + "mlp.down_proj.weight"));
  }

  double[][] apply(double[][] h) {
    if (tokenMixer != null) {
      double[][] t = transpose(h); // [D, L]: the norm below runs over the sequence axis
      h = transpose(rmsNormRows(add(t, tokenMixer.apply(t)), eps));
    } else {
      h = rmsNormRows(add(h, attention(h)), eps);
    }
    return rmsNormRows(add(h, channelMlp.apply(h)), eps);
  }

  /** Non-causal multi-head attention with RoPE on q and k, scale 1/sqrt(headDim), then o_proj. */
  double[][] attention(double[][] h) {
    int len = h.length;
    int d = dims.hidden();
    int hd = dims.headDim();
    double[][] proj = linear(h, qkv);
    double[][] mixed = new double[len][d];
    for (int head = 0; head < dims.heads(); head++) {
      double[][] q = new double[len][];
      double[][] k = new double[len][];
      for (int t = 0; t < len; t++) {
        q[t] = slice(proj[t], head * hd, hd);
        k[t] = slice(proj[t], d + head * hd, hd);
        if (rope != null) {
          q[t] = rope.rotate(q[t], t);
          k[t] = rope.rotate(k[t], t);
        }
      }
      for (int t = 0; t < len; t++) {
        double[] scores = new double[len];
        double max = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < len; s++) {
          scores[s] = ReferenceMath.dot(q[t], k[s]) / Math.sqrt(hd);
          max = Math.max(max, scores[s]);
        }
        double total = 0;
        for (int s = 0; s < len; s++) {
          scores[s] = Math.exp(scores[s] - max);
          total += scores[s];
        }
        for (int s = 0; s < len; s++) {
          for (int j = 0; j < hd; j++) {
            mixed[t][head * hd + j] += scores[s] / total * proj[s][2 * d + head * hd + j];
          }
        }
      }
    }
    return linear(mixed, out);
  }

  private static double[] slice(double[] row, int from, int len) {
    double[] s = new double[len];
    System.arraycopy(row, from, s, 0, len);
    return s;
  }
}
