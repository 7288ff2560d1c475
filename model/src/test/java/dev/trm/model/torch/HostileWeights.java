package dev.trm.model.torch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Hand-assembled hostile weight files: torch.save archives whose pickle or storages lie about their sizes, and
 * safetensors files whose headers do. Each comes with a fragment its refusal must contain.
 */
final class HostileWeights {
  private HostileWeights() {}

  /** A hostile file to write, and what its refusal must say. */
  record Case(String fileName, byte[] bytes, String expected) {}

  /** Every case, by name. */
  static Map<String, Case> all() throws IOException {
    Map<String, Case> cases = new LinkedHashMap<>();
    // A pickle that declares a 2 GiB string in a handful of bytes.
    add(cases, new Case("huge-string.pt", archive(new Pickle().proto().raw('X').le32(0x7fffffff).text("abc")
        .raw('.').bytes(), Map.of()), "declares 2147483647 bytes but only 4 follow"));
    // A negative length, which the unpickler would hand to new byte[].
    add(cases, new Case("negative-length.pt", archive(new Pickle().proto().raw('B').le32(-5).raw('.').bytes(),
        Map.of()), "declares -5 bytes"));
    // A storage of 2 billion float32 elements backed by 16 bytes.
    add(cases, new Case("huge-storage.pt", archive(stateDict(2_000_000_000L, new long[] {2_000_000_000L},
        new long[] {1}), Map.of("0", new byte[16])), "storage tiny/data/0 holds 16 bytes, expected 8000000000"));
    // A view of 2 billion elements (stride 0) over a storage of 4.
    add(cases, new Case("broadcast-view.pt", archive(stateDict(4, new long[] {2_000_000_000L}, new long[] {0}),
        Map.of("0", new byte[16])), "claims 2000000000 elements of a storage of 4"));
    // A shape whose element count overflows 64 bits.
    add(cases, new Case("overflowing-shape.pt", archive(stateDict(4, new long[] {1L << 40, 1L << 40},
        new long[] {1, 1}), Map.of("0", new byte[16])), "which overflow 64 bits"));
    // A global that would run a command if it were code; here it is data, and not a tensor.
    add(cases, new Case("os-system.pt", archive(new Pickle().proto().global("collections", "OrderedDict")
        .raw(')').raw('R').raw('(').str("w").global("os", "system").raw('(').str("touch /tmp/trm-pwned").raw('t')
        .raw('R').raw('u').raw('.').bytes(), Map.of()), "cannot unpickle tiny/data.pkl"));
    add(cases, new Case("unknown-class.pt", archive(new Pickle().proto().global("collections", "OrderedDict")
        .raw(')').raw('R').raw('(').str("w").global("subprocess", "Popen").raw(')').raw('R').raw('u').raw('.')
        .bytes(), Map.of()), "key 'w' is not a tensor"));
    // A pickle entry that inflates to 17 MiB (a zip bomb in miniature).
    add(cases, new Case("inflating-pickle.pt", archive(new byte[17 << 20], Map.of()), "larger than 16 MiB"));
    // Safetensors: a shape whose element count overflows, entries sharing bytes, a header larger than the file.
    add(cases, new Case("overflowing-shape.safetensors", safetensors(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}", 16), "bad shape"));
    StringBuilder aliases = new StringBuilder("{");
    for (int i = 0; i < 1000; i++) {
      aliases.append(i == 0 ? "" : ",").append("\"w").append(i)
          .append("\":{\"dtype\":\"F32\",\"shape\":[4096],\"data_offsets\":[0,16384]}");
    }
    add(cases, new Case("aliased.safetensors", safetensors(aliases.append("}").toString(), 16384),
        "overlap another tensor's bytes"));
    ByteBuffer lying = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).putLong(0);
    add(cases, new Case("huge-header.safetensors", lying.array(), "header length 1099511627776 does not fit"));
    add(cases, new Case("huge-tensor.safetensors", safetensors(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2000000000],\"data_offsets\":[0,8000000000]}}", 16),
        "do not match shape"));
    return cases;
  }

  /** Writes every case into {@code dir}; returns the files in order. */
  static Map<Path, Case> write(Path dir) throws IOException {
    Map<Path, Case> files = new LinkedHashMap<>();
    for (Case c : all().values()) {
      files.put(Files.write(dir.resolve(c.fileName()), c.bytes()), c);
    }
    return files;
  }

  private static void add(Map<String, Case> cases, Case c) {
    cases.put(c.fileName(), c);
  }

  /** {'w': _rebuild_tensor_v2(storage '0' of numel float32, 0, size, stride, False, OrderedDict())}. */
  private static byte[] stateDict(long numel, long[] size, long[] stride) {
    Pickle p = new Pickle().proto().global("collections", "OrderedDict").raw(')').raw('R').raw('(').str("w")
        .global("torch._utils", "_rebuild_tensor_v2").raw('(')
        .raw('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(numel).raw('t')
        .raw('Q').integer(0);
    p.raw('(');
    for (long s : size) {
      p.integer(s);
    }
    p.raw('t').raw('(');
    for (long s : stride) {
      p.integer(s);
    }
    return p.raw('t').raw(0x89).global("collections", "OrderedDict").raw(')').raw('R').raw('t').raw('R')
        .raw('u').raw('.').bytes();
  }

  private static byte[] archive(byte[] pickle, Map<String, byte[]> storages) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      entry(zip, "tiny/data.pkl", pickle);
      for (Map.Entry<String, byte[]> s : storages.entrySet()) {
        entry(zip, "tiny/data/" + s.getKey(), s.getValue());
      }
    }
    return bytes.toByteArray();
  }

  private static void entry(ZipOutputStream zip, String name, byte[] data) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(data);
    zip.closeEntry();
  }

  private static byte[] safetensors(String header, int dataBytes) {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length)
        .put(json).array();
  }

  /** Pickle opcodes, written out by hand. */
  private static final class Pickle {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Pickle proto() {
      return raw(0x80).raw(2);
    }

    Pickle raw(int b) {
      out.write(b);
      return this;
    }

    Pickle le32(int v) {
      for (int i = 0; i < 4; i++) {
        out.write(v >>> (8 * i));
      }
      return this;
    }

    Pickle text(String s) {
      out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      return this;
    }

    Pickle global(String module, String name) {
      return raw('c').text(module + "\n" + name + "\n");
    }

    Pickle str(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      raw(0x8c).raw(b.length);
      out.writeBytes(b);
      return this;
    }

    /** LONG1: a little-endian two's-complement integer of 8 bytes. */
    Pickle integer(long v) {
      raw(0x8a).raw(8);
      for (int i = 0; i < 8; i++) {
        out.write((int) (v >>> (8 * i)));
      }
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
