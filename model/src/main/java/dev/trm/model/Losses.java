package dev.trm.model;

import dev.trm.datasets.Batch;
import dev.trm.model.config.ArchConfig;
import dev.trm.model.config.LossType;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * The official ACT loss head: per-sequence mean token cross-entropy summed over the batch, plus
 * 0.5 x the summed BCE of q_halt against "this sequence is exactly right", and metric sums over the slots that
 * halted this step with at least one valid label.
 */
public final class Losses {
  /** Labels equal to this are ignored: the datasets' padding label. */
  public static final int IGNORE_LABEL = Batch.IGNORE_LABEL;

  /**
   * Losses (scalars, NOT divided by the batch: the trainer divides by the global batch size) and metric sums
   * (the trainer divides all but {@code count} by {@code count}).
   *
   * @param lmLoss sum over slots of the mean CE over the slot's valid tokens
   * @param qHaltLoss sum over slots of BCE(q_halt, sequence correct)
   * @param total lmLoss + 0.5 qHaltLoss, the loss to differentiate
   * @param count slots halted this step with >= 1 valid label
   * @param accuracy sum over those slots of their token accuracy
   * @param exactAccuracy how many of them are fully correct
   * @param qHaltAccuracy how many have (q_halt >= 0) == fully correct
   * @param steps sum of their ACT step counts
   * @param predictions argmax tokens [B, S]
   */
  public record ActLoss(Operand<TFloat32> lmLoss, Operand<TFloat32> qHaltLoss, Operand<TFloat32> total,
      Operand<TFloat32> count, Operand<TFloat32> accuracy, Operand<TFloat32> exactAccuracy,
      Operand<TFloat32> qHaltAccuracy, Operand<TFloat32> steps, Operand<TInt32> predictions) {}

  private Losses() {}

  /** The loss of one ACT step's output: targets are {@code out.current().labels()}. */
  public static ActLoss act(Ops tf, ArchConfig arch, ActStep.Step out) {
    return act(tf, arch.getLossType(), out.logits(), out.current().labels(), out.qHalt(), out.next().halted(),
        out.next().steps());
  }

  /**
   * The loss from explicit tensors.
   *
   * @param logits [B, S, V]
   * @param labels [B, S], {@link #IGNORE_LABEL} = ignore
   * @param qHalt [B]
   * @param halted [B] slots that halted this step (metrics only count these)
   * @param steps [B] their step counts
   */
  public static ActLoss act(Ops tf, LossType lossType, Operand<TFloat32> logits, Operand<TInt32> labels,
      Operand<TFloat32> qHalt, Operand<TBool> halted, Operand<TInt32> steps) {
    Operand<TBool> mask = tf.math.notEqual(labels, tf.constant(IGNORE_LABEL));
    Operand<TInt32> safeLabels = tf.select(mask, labels, tf.zerosLike(labels));
    Operand<TFloat32> validCount = sum(tf, tf.dtypes.cast(mask, TFloat32.class), -1); // [B]
    Operand<TFloat32> divisor = tf.math.maximum(validCount, tf.constant(1f));

    Operand<TFloat32> tokenLoss = lossType == LossType.SOFTMAX_CROSS_ENTROPY
        ? softmaxCrossEntropy(tf, logits, safeLabels)
        : stablemaxCrossEntropy(tf, logits, safeLabels);
    Operand<TFloat32> perSequence = sum(tf, tf.select(mask, tokenLoss, tf.zerosLike(tokenLoss)), -1);
    Operand<TFloat32> lmLoss = sum(tf, tf.math.div(perSequence, divisor), 0);

    // Targets and metrics see the logits through stopGradient: argmax has no gradient.
    Operand<TInt32> predictions = tf.math.argMax(tf.stopGradient(logits), tf.constant(-1), TInt32.class);
    Operand<TBool> correct = tf.math.logicalAnd(mask, tf.math.equal(predictions, labels));
    Operand<TFloat32> correctCount = sum(tf, tf.dtypes.cast(correct, TFloat32.class), -1);
    Operand<TBool> sequenceCorrect = tf.math.equal(correctCount, validCount);
    Operand<TFloat32> target = tf.dtypes.cast(sequenceCorrect, TFloat32.class);
    Operand<TFloat32> qHaltLoss = sum(tf, binaryCrossEntropyWithLogits(tf, qHalt, target), 0);
    Operand<TFloat32> total = tf.math.add(lmLoss, tf.math.mul(tf.constant(0.5f), qHaltLoss));

    Operand<TBool> valid = tf.math.logicalAnd(halted, tf.math.greater(validCount, tf.constant(0f)));
    Operand<TBool> qHaltRight = tf.math.equal(tf.math.greaterEqual(qHalt, tf.constant(0f)), sequenceCorrect);
    return new ActLoss(lmLoss, qHaltLoss, total,
        countTrue(tf, valid),
        sumWhere(tf, valid, tf.math.div(correctCount, divisor)),
        countTrue(tf, tf.math.logicalAnd(valid, sequenceCorrect)),
        countTrue(tf, tf.math.logicalAnd(valid, qHaltRight)),
        sumWhere(tf, valid, tf.dtypes.cast(steps, TFloat32.class)),
        predictions);
  }

  /**
   * Stablemax cross-entropy in float64 ("Grokking at the edge of numerical stability"): s(x) = x + 1 for x >= 0,
   * 1 / (1 - x + 1e-30) for x < 0; CE = -log(s(x_label) / sum_c s(x_c)). Returns [B, S] in fp32.
   */
  static Operand<TFloat32> stablemaxCrossEntropy(Ops tf, Operand<TFloat32> logits, Operand<TInt32> labels) {
    Operand<TFloat64> x = tf.dtypes.cast(logits, TFloat64.class);
    Operand<TFloat64> negative =
        tf.math.reciprocal(tf.math.add(tf.math.sub(tf.constant(1.0), x), tf.constant(1e-30)));
    Operand<TFloat64> s = tf.select(tf.math.less(x, tf.constant(0.0)), negative, tf.math.add(x, tf.constant(1.0)));
    Operand<TFloat64> oneHot = tf.oneHot(labels, tf.constant(vocab(logits)), tf.constant(1.0), tf.constant(0.0));
    Operand<TFloat64> labelS = sum(tf, tf.math.mul(s, oneHot), -1);
    Operand<TFloat64> ce = tf.math.neg(tf.math.log(tf.math.div(labelS, sum(tf, s, -1))));
    return tf.dtypes.cast(ce, TFloat32.class);
  }

  /** Softmax cross-entropy in fp32 (the paper's Fig. 3): [B, S]. */
  static Operand<TFloat32> softmaxCrossEntropy(Ops tf, Operand<TFloat32> logits, Operand<TInt32> labels) {
    int v = vocab(logits);
    Operand<TFloat32> flat = tf.reshape(logits, tf.constant(new int[] {-1, v}));
    Operand<TFloat32> oneHot = tf.oneHot(tf.reshape(labels, tf.constant(new int[] {-1})), tf.constant(v),
        tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> ce = tf.nn.softmaxCrossEntropyWithLogits(flat, oneHot).loss();
    return tf.reshape(ce, tf.shape(labels));
  }

  /** Elementwise BCE with logits, stable form max(x, 0) - x t + log(1 + exp(-|x|)). */
  static Operand<TFloat32> binaryCrossEntropyWithLogits(Ops tf, Operand<TFloat32> x, Operand<TFloat32> target) {
    return tf.math.add(tf.math.sub(tf.math.maximum(x, tf.constant(0f)), tf.math.mul(x, target)),
        tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(x)))));
  }

  private static int vocab(Operand<TFloat32> logits) {
    long v = logits.shape().get(-1);
    if (v <= 0) {
      throw new IllegalArgumentException("logits need a static vocabulary size, shape " + logits.shape());
    }
    return (int) v;
  }

  private static <T extends TType> Operand<T> sum(Ops tf, Operand<T> x, int axis) {
    return tf.sum(x, tf.constant(axis), Sum.keepDims(false));
  }

  private static Operand<TFloat32> countTrue(Ops tf, Operand<TBool> flags) {
    return sum(tf, tf.dtypes.cast(flags, TFloat32.class), 0);
  }

  private static <T extends TNumber> Operand<TFloat32> sumWhere(Ops tf, Operand<TBool> flags,
      Operand<TFloat32> values) {
    return sum(tf, tf.select(flags, values, tf.zerosLike(values)), 0);
  }
}
