package dev.trm.model;

import dev.trm.model.config.ArchConfig;
import dev.trm.model.config.PosEncoding;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The TRM network around the recursion: input embedding with the puzzle prefix, the heads, and the
 * {@link RecursiveReasoner}. Every method builds ops from the parameter operands it is given, so the same model
 * builds the training graph, the EMA evaluation path and the serving graph.
 */
public final class TrmModel {
  private final Ops tf;
  private final ArchConfig arch;
  private final TrmShape shape;
  private final Precision precision;
  private final ReasoningNet net;
  private final RecursiveReasoner reasoner;

  public TrmModel(Ops tf, ArchConfig arch, ModelDims dims) {
    this.tf = tf;
    this.arch = arch;
    this.shape = TrmShape.of(arch, dims);
    this.precision = new Precision(tf, arch.getForwardDtype());
    this.net = new ReasoningNet(tf, shape, precision);
    this.reasoner = new RecursiveReasoner(tf, net, shape.hCycles(), shape.lCycles());
  }

  public Ops tf() {
    return tf;
  }

  public ArchConfig arch() {
    return arch;
  }

  public TrmShape shape() {
    return shape;
  }

  /** The shared network f. */
  public ReasoningNet net() {
    return net;
  }

  /** The T x n recursion. */
  public RecursiveReasoner reasoner() {
    return reasoner;
  }

  /**
   * The puzzle-table rows of this batch, [B, puzzle_emb_ndim]: the tensor that feeds the embedding, so its
   * gradient is the one the sparse SignSGD needs. Without a puzzle embedding it is an empty [B, 0].
   */
  public Operand<TFloat32> puzzleRows(TrmParams p, Operand<TInt32> puzzleIds) {
    if (!shape.hasPuzzleEmbedding()) {
      return tf.zeros(tf.concat(List.of(tf.shape(puzzleIds), tf.constant(new int[] {0})), tf.constant(0)),
          TFloat32.class);
    }
    return tf.gather(p.get(ModelTensors.PUZZLE_EMB), puzzleIds, tf.constant(0));
  }

  /**
   * The input injection x [B, L, D]: [puzzle row zero-padded to P slots | token embeddings], plus learned
   * positions if configured, all times sqrt(D).
   */
  public Operand<TFloat32> inputEmbeddings(TrmParams p, Operand<TInt32> inputs, Operand<TFloat32> puzzleRows) {
    Operand<TFloat32> emb = tf.gather(p.get(ModelTensors.EMBED_TOKENS), inputs, tf.constant(0)); // [B, S, D]
    if (shape.hasPuzzleEmbedding()) {
      int pad = shape.puzzleEmbLen() * shape.hidden() - shape.puzzleEmbNdim();
      Operand<TFloat32> prefix = pad == 0 ? puzzleRows
          : tf.pad(puzzleRows, tf.constant(new int[][] {{0, 0}, {0, pad}}), tf.constant(0f));
      prefix = tf.reshape(prefix, tf.constant(new int[] {-1, shape.puzzleEmbLen(), shape.hidden()}));
      emb = tf.concat(List.of(prefix, emb), tf.constant(1));
    }
    if (shape.pos() == PosEncoding.LEARNED) {
      emb = tf.math.mul(tf.constant(0.707106781f), tf.math.add(emb, p.get(ModelTensors.EMBED_POS)));
    }
    return tf.math.mul(emb, tf.constant((float) Math.sqrt(shape.hidden())));
  }

  /** Token logits [B, S, V] from y [B, L, D]; the P prefix positions are dropped before the head. */
  public Operand<TFloat32> lmLogits(TrmParams p, Operand<TFloat32> y) {
    Operand<TFloat32> grid = tf.slice(y, tf.constant(new int[] {0, shape.puzzleEmbLen(), 0}),
        tf.constant(new int[] {-1, -1, -1}));
    Operand<TFloat32> logits = precision.linear(tf.reshape(grid, tf.constant(new int[] {-1, shape.hidden()})),
        p.get(ModelTensors.LM_HEAD));
    return tf.reshape(logits, tf.constant(new int[] {-1, shape.seqLen(), shape.vocab()}));
  }

  /**
   * The halting head's two logits.
   *
   * @param qHalt [B]
   * @param qContinue [B]
   */
  public record HaltingLogits(Operand<TFloat32> qHalt, Operand<TFloat32> qContinue) {}

  /** The halting logits (q_halt, q_continue) from slot 0 of y [B, L, D], in fp32. */
  public HaltingLogits haltingLogits(TrmParams p, Operand<TFloat32> y) {
    Operand<TFloat32> first = tf.reshape(
        tf.slice(y, tf.constant(new int[] {0, 0, 0}), tf.constant(new int[] {-1, 1, -1})),
        tf.constant(new int[] {-1, shape.hidden()}));
    Operand<TFloat32> q = tf.math.add(tf.linalg.matMul(first, p.get(ModelTensors.Q_HEAD_WEIGHT),
        MatMul.transposeB(true)), p.get(ModelTensors.Q_HEAD_BIAS)); // [B, 2]
    return new HaltingLogits(column(q, 0), column(q, 1));
  }

  private Operand<TFloat32> column(Operand<TFloat32> q, int index) {
    return tf.reshape(tf.slice(q, tf.constant(new int[] {0, index}), tf.constant(new int[] {-1, 1})),
        tf.constant(new int[] {-1}));
  }

  /** [B, L, D] as token rows [B*L, D] (a free reshape), the layout of {@link ReasoningNet}. */
  public Operand<TFloat32> rows(Operand<TFloat32> sequences) {
    return tf.reshape(sequences, tf.constant(new int[] {-1, shape.hidden()}));
  }

  /** Token rows [B*L, D] back to [B, L, D]. */
  public Operand<TFloat32> sequences(Operand<TFloat32> rows) {
    return tf.reshape(rows, tf.constant(new int[] {-1, shape.totalLen(), shape.hidden()}));
  }
}
