package dev.trm.model.torch;

import java.util.HashMap;
import java.util.LinkedHashMap;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;

/**
 * Unpickles the {@code data.pkl} of a {@code torch.save} zip archive into plain Java values: the state dict
 * becomes a {@link LinkedHashMap} of {@link TensorRef}s whose storages are {@link StorageRef}s (their bytes live in
 * the archive's {@code data/<key>} entries and are read afterwards).
 *
 * <p>Only the globals a state dict needs are understood: {@code collections.OrderedDict}, the typed storages of
 * {@link StorageDtype}, and {@code torch._utils._rebuild_tensor_v2} / {@code _rebuild_parameter}. Any other global
 * unpickles as the library's generic class-dict and is reported by {@link TorchCheckpoint} under its key.
 */
final class TorchUnpickler extends Unpickler {

  /** A storage the pickle refers to by persistent id {@code ('storage', type, key, location, numel)}. */
  record StorageRef(StorageDtype dtype, String key, long numel) {}

  /** A tensor view: {@code size} elements read from {@code storage} at {@code offset} with {@code stride}. */
  record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

  /**
   * {@code collections.OrderedDict}; torch attaches {@code _metadata} (module versions) through BUILD. Public because
   * the unpickler calls {@code __setstate__} reflectively.
   */
  public static final class OrderedDict extends LinkedHashMap<Object, Object> {
    private static final long serialVersionUID = 1L;

    /** Called by the unpickler's BUILD opcode; the module-version metadata plays no part in the weights. */
    public void __setstate__(HashMap<?, ?> state) {}
  }

  /** The value a storage-type global unpickles to; only its dtype matters. */
  private record StorageClass(StorageDtype dtype) implements IObjectConstructor {
    @Override
    public Object construct(Object[] args) {
      throw new PickleException("torch." + dtype.torchClass + " is only expected inside a persistent id");
    }
  }

  static {
    Unpickler.registerConstructor("collections", "OrderedDict", args -> new OrderedDict());
    for (StorageDtype dtype : StorageDtype.values()) {
      Unpickler.registerConstructor("torch", dtype.torchClass, new StorageClass(dtype));
    }
    Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", TorchUnpickler::rebuildTensor);
    // _rebuild_parameter(data, requires_grad, backward_hooks): a Parameter is its data here.
    Unpickler.registerConstructor("torch._utils", "_rebuild_parameter", args -> args[0]);
  }

  /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
  private static Object rebuildTensor(Object[] args) {
    if (args.length < 4 || !(args[0] instanceof StorageRef storage)) {
      throw new PickleException("_rebuild_tensor_v2 called with unexpected arguments");
    }
    long[] size = longs(args[2]);
    long[] stride = longs(args[3]);
    if (size.length != stride.length) {
      throw new PickleException("tensor size " + size.length + "-d but stride " + stride.length + "-d");
    }
    return new TensorRef(storage, ((Number) args[1]).longValue(), size, stride);
  }

  private static long[] longs(Object tuple) {
    if (!(tuple instanceof Object[] items)) {
      throw new PickleException("expected a tuple of ints, got " + tuple);
    }
    long[] out = new long[items.length];
    for (int i = 0; i < items.length; i++) {
      out[i] = ((Number) items[i]).longValue();
    }
    return out;
  }

  @Override
  protected Object persistentLoad(Object pid) {
    if (pid instanceof Object[] t && t.length == 5 && "storage".equals(t[0])) {
      if (!(t[1] instanceof StorageClass type)) {
        throw new PickleException("unsupported storage type " + describe(t[1])
            + " (supported: float32, bfloat16, float16, float64)");
      }
      return new StorageRef(type.dtype(), String.valueOf(t[2]), ((Number) t[4]).longValue());
    }
    throw new PickleException("unsupported persistent id " + describe(pid));
  }

  private static String describe(Object o) {
    return o instanceof Object[] a ? java.util.Arrays.deepToString(a) : String.valueOf(o);
  }
}
