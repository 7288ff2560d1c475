package dev.trm.model.torch;

import dev.trm.model.WeightTensor;
import dev.trm.model.torch.TorchUnpickler.StorageRef;
import dev.trm.model.torch.TorchUnpickler.TensorRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import net.razorvine.pickle.PickleException;

/**
 * Reads a {@code torch.save(state_dict)} checkpoint (the zip format of PyTorch >= 1.6) into float32
 * {@link WeightTensor}s, keyed exactly as in the file.
 *
 * <p>Layout: {@code <root>/data.pkl} is the pickled dict (see {@link TorchUnpickler}); each storage's raw bytes are
 * in {@code <root>/data/<key>}, in the byte order named by {@code <root>/byteorder} (little when absent). Tensors
 * may be strided views sharing a storage. float32, bfloat16, float16 and float64 storages are read; every problem
 * is reported with the file and the state-dict key.
 */
public final class TorchCheckpoint {
  private static final int CHUNK = 1 << 16;

  private TorchCheckpoint() {}

  /** True if a file starting with {@code head} is a zip archive (the torch.save format). */
  public static boolean looksLikeZip(byte[] head) {
    return head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
  }

  /** Reads every tensor of the state dict in {@code file}, in the file's key order. */
  public static LinkedHashMap<String, WeightTensor> read(Path file) {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      String root = root(zip, file);
      Map<?, ?> dict = unpickle(zip, root, file);
      ByteOrder order = byteOrder(zip, root, file);
      Map<String, float[]> storages = new HashMap<>();
      LinkedHashMap<String, WeightTensor> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : dict.entrySet()) {
        String key = String.valueOf(e.getKey());
        if (!(e.getValue() instanceof TensorRef t)) {
          throw new IllegalArgumentException(file + ": key '" + key + "' is not a tensor but "
              + (e.getValue() == null ? "None" : e.getValue().getClass().getSimpleName()));
        }
        float[] storage = storages.get(t.storage().key());
        if (storage == null) {
          storage = readStorage(zip, root, t.storage(), order, file);
          storages.put(t.storage().key(), storage);
        }
        out.put(key, view(storage, t, key, file));
      }
      return out;
    } catch (ZipException e) {
      throw new IllegalArgumentException(file + ": not a readable torch.save zip archive (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** The archive's single top-level folder, the one holding data.pkl. */
  private static String root(ZipFile zip, Path file) {
    List<String> roots = new ArrayList<>();
    zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - 9)
        .forEach(n -> roots.add(n.substring(0, n.length() - "data.pkl".length())));
    if (roots.size() != 1) {
      throw new IllegalArgumentException(file + ": expected one <root>/data.pkl in the torch.save archive, found "
          + roots.size());
    }
    return roots.get(0);
  }

  private static Map<?, ?> unpickle(ZipFile zip, String root, Path file) throws IOException {
    TorchUnpickler unpickler = new TorchUnpickler();
    Object obj;
    try (InputStream in = zip.getInputStream(zip.getEntry(root + "data.pkl"))) {
      obj = unpickler.load(in);
    } catch (PickleException | ClassCastException e) {
      throw new IllegalArgumentException(file + ": cannot unpickle " + root + "data.pkl: " + e.getMessage(), e);
    } finally {
      unpickler.close();
    }
    if (!(obj instanceof Map<?, ?> dict)) {
      throw new IllegalArgumentException(file + ": data.pkl holds "
          + (obj == null ? "None" : obj.getClass().getSimpleName()) + ", not a state dict");
    }
    return dict;
  }

  private static ByteOrder byteOrder(ZipFile zip, String root, Path file) throws IOException {
    ZipEntry entry = zip.getEntry(root + "byteorder");
    if (entry == null) {
      return ByteOrder.LITTLE_ENDIAN;
    }
    try (InputStream in = zip.getInputStream(entry)) {
      String name = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
      return switch (name) {
        case "little" -> ByteOrder.LITTLE_ENDIAN;
        case "big" -> ByteOrder.BIG_ENDIAN;
        default -> throw new IllegalArgumentException(file + ": unknown byteorder '" + name + "'");
      };
    }
  }

  /** Widens a whole storage to float32, streaming so that no byte copy of a large storage is held. */
  private static float[] readStorage(ZipFile zip, String root, StorageRef ref, ByteOrder order, Path file)
      throws IOException {
    String name = root + "data/" + ref.key();
    ZipEntry entry = zip.getEntry(name);
    if (entry == null) {
      throw new IllegalArgumentException(file + ": storage entry " + name + " is missing");
    }
    long expected = ref.numel() * ref.dtype().bytes;
    if (ref.numel() > Integer.MAX_VALUE - 8 || (entry.getSize() >= 0 && entry.getSize() < expected)) {
      throw new IllegalArgumentException(file + ": storage " + name + " holds " + entry.getSize()
          + " bytes, expected " + expected + " (" + ref.numel() + " x " + ref.dtype() + ")");
    }
    float[] out = new float[(int) ref.numel()];
    ByteBuffer buf = ByteBuffer.allocate(CHUNK * ref.dtype().bytes).order(order);
    try (InputStream in = zip.getInputStream(entry)) {
      int done = 0;
      while (done < out.length) {
        int want = Math.min(CHUNK, out.length - done) * ref.dtype().bytes;
        buf.clear();
        int got = in.readNBytes(buf.array(), 0, want);
        if (got < want) {
          throw new IllegalArgumentException(file + ": storage " + name + " is truncated after "
              + ((long) done * ref.dtype().bytes + got) + " of " + expected + " bytes");
        }
        buf.limit(want);
        while (buf.hasRemaining()) {
          out[done++] = ref.dtype().read(buf);
        }
      }
    }
    return out;
  }

  /** The tensor's elements in row-major order; the storage itself when the view covers it contiguously. */
  static WeightTensor view(float[] storage, TensorRef t, String key, Path file) {
    long n = 1;
    long last = t.offset();
    for (int d = 0; d < t.size().length; d++) {
      if (t.size()[d] < 0 || t.stride()[d] < 0) {
        throw new IllegalArgumentException(file + ": key '" + key + "' has a negative size or stride");
      }
      n *= t.size()[d];
      last += (t.size()[d] - 1) * t.stride()[d];
    }
    if (n > 0 && (t.offset() < 0 || last >= storage.length)) {
      throw new IllegalArgumentException(file + ": key '" + key + "' (size " + Arrays.toString(t.size())
          + ", offset " + t.offset() + ") reads past its storage of " + storage.length + " elements");
    }
    if (n == storage.length && t.offset() == 0 && isContiguous(t)) {
      return new WeightTensor(t.size().clone(), storage);
    }
    float[] out = new float[(int) n];
    int rank = t.size().length;
    long[] index = new long[rank];
    for (int i = 0; i < out.length; i++) {
      long at = t.offset();
      for (int d = 0; d < rank; d++) {
        at += index[d] * t.stride()[d];
      }
      out[i] = storage[(int) at];
      for (int d = rank - 1; d >= 0 && ++index[d] == t.size()[d]; d--) {
        index[d] = 0;
      }
    }
    return new WeightTensor(t.size().clone(), out);
  }

  private static boolean isContiguous(TensorRef t) {
    long expected = 1;
    for (int d = t.size().length - 1; d >= 0; d--) {
      if (t.size()[d] != 1 && t.stride()[d] != expected) {
        return false;
      }
      expected *= t.size()[d];
    }
    return true;
  }
}
