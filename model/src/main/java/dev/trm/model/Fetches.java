package dev.trm.model;

import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.ndarray.buffer.IntDataBuffer;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Reads a session run's results by the operand (or tensor name) that was fetched, never by position, so adding or
 * reordering fetches cannot shift what a value means. The tensors stay owned by the {@link Result}.
 */
public final class Fetches {
  private Fetches() {}

  /** The fetched tensor named {@code name} ({@code op:index}, as a signature lists it). */
  public static Tensor tensor(Result r, String name) {
    String key = name.contains(":") ? name : name + ":0";
    return r.get(key).orElseThrow(() -> new IllegalStateException("the run did not fetch " + key));
  }

  /** The fetched value of {@code op}. */
  public static Tensor tensor(Result r, Operand<?> op) {
    return tensor(r, op.asOutput().name());
  }

  /** A fetched float32 scalar. */
  public static float scalar(Result r, Operand<TFloat32> op) {
    return ((TFloat32) tensor(r, op)).getFloat();
  }

  /** A fetched int32 scalar. */
  public static int intScalar(Result r, Operand<TInt32> op) {
    return ((TInt32) tensor(r, op)).getInt();
  }

  /** All elements of a fetched int32 tensor, row-major. */
  public static int[] ints(Tensor t) {
    IntDataBuffer data = t.asRawTensor().data().asInts();
    int[] out = new int[Math.toIntExact(data.size())];
    data.read(out);
    return out;
  }

  /** All elements of a fetched float32 tensor, row-major. */
  public static float[] floats(Tensor t) {
    FloatDataBuffer data = t.asRawTensor().data().asFloats();
    float[] out = new float[Math.toIntExact(data.size())];
    data.read(out);
    return out;
  }
}
