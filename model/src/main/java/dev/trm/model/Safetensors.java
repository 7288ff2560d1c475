package dev.trm.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.datasets.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes {@code .safetensors} files of named float tensors: an 8-byte little-endian header length, a
 * JSON header {name: {dtype, shape, data_offsets}}, then the raw little-endian data.
 *
 * <p>Reading accepts F32, BF16 and F64 (converted to float32) and keys with or without the official
 * {@code _orig_mod.model.inner.} prefix (returned without it). Writing stores F32 under the given names, through
 * a temporary file published durably, so an existing file is only replaced by a complete one.
 */
public final class Safetensors {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_HEADER = 100L << 20;

  private Safetensors() {}

  /** All tensors of {@code file} by canonical name, in file order; IllegalArgumentException if malformed. */
  public static Map<String, WeightTensor> read(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw bad(file, "shorter than the 8-byte header length");
      }
      long headerLen = readFully(ch, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (headerLen < 2 || headerLen > MAX_HEADER || 8 + headerLen > size) {
        throw bad(file, "header length " + headerLen + " does not fit a file of " + size + " bytes");
      }
      JsonNode header = parseHeader(file, readFully(ch, 8, (int) headerLen));
      long dataStart = 8 + headerLen;
      Map<String, WeightTensor> out = new LinkedHashMap<>();
      TreeMap<Long, Long> claimed = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        String name = ModelTensors.canonical(e.getKey());
        if (out.containsKey(name)) {
          throw bad(file, "tensor '" + name + "' appears twice (with and without the official prefix)");
        }
        out.put(name, readTensor(file, ch, e.getKey(), e.getValue(), dataStart, size, claimed));
      }
      return out;
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read safetensors file: " + e.getMessage(), e);
    }
  }

  /** Writes {@code tensors} as F32 under exactly the given names. */
  public static void write(Path file, Map<String, WeightTensor> tensors) throws IOException {
    ObjectNode header = JSON.createObjectNode();
    long offset = 0;
    for (Map.Entry<String, WeightTensor> e : tensors.entrySet()) {
      ObjectNode entry = header.putObject(e.getKey());
      entry.put("dtype", "F32");
      var shape = entry.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      long bytes = 4L * e.getValue().size();
      entry.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8; // the format pads the header with spaces to 8-byte alignment
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();
    Path tmp = DurableFiles.temporaryFor(file, DurableFiles.PARTIAL);
    DurableFiles.createDirectories(tmp.getParent());
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        writeFully(ch, head);
        for (WeightTensor t : tensors.values()) {
          writeFloats(ch, t.data());
        }
      }
      DurableFiles.publish(tmp, file);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static JsonNode parseHeader(Path file, ByteBuffer bytes) {
    String text = StandardCharsets.UTF_8.decode(bytes).toString();
    try {
      JsonNode node = JSON.readTree(text);
      if (node == null || !node.isObject()) {
        throw bad(file, "header is not a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw bad(file, "header is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /**
   * Reads one tensor after checking that its byte range fits the file, matches its shape and dtype, and overlaps
   * no range in {@code claimed} (so that no byte is converted twice and memory stays bounded by the file).
   */
  private static WeightTensor readTensor(Path file, FileChannel ch, String key, JsonNode entry, long dataStart,
      long fileSize, TreeMap<Long, Long> claimed) throws IOException {
    String where = "tensor '" + key + "'";
    JsonNode dtypeNode = entry.get("dtype");
    JsonNode shapeNode = entry.get("shape");
    JsonNode offsets = entry.get("data_offsets");
    if (dtypeNode == null || shapeNode == null || !shapeNode.isArray() || offsets == null || !offsets.isArray()
        || offsets.size() != 2) {
      throw bad(file, where + " needs dtype, shape and two data_offsets");
    }
    int width = switch (dtypeNode.asText()) {
      case "F32" -> 4;
      case "BF16" -> 2;
      case "F64" -> 8;
      default -> throw bad(file, where + " has dtype " + dtypeNode.asText() + " (supported: F32, BF16, F64)");
    };
    long[] shape = new long[shapeNode.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).canConvertToLong() ? shapeNode.get(i).asLong(-1) : -1;
      if (shape[i] < 0 || (shape[i] > 0 && count > Integer.MAX_VALUE / shape[i])) {
        throw bad(file, where + " has a bad shape " + shapeNode + " (negative, or more than 2^31 elements)");
      }
      count *= shape[i];
    }
    long begin = offsets.get(0).canConvertToLong() ? offsets.get(0).asLong(-1) : -1;
    long end = offsets.get(1).canConvertToLong() ? offsets.get(1).asLong(-1) : -1;
    if (begin < 0 || end < begin || end - begin != count * width || end > fileSize - dataStart) {
      throw bad(file, where + ": data_offsets " + offsets + " do not match shape " + shapeNode + " of "
          + dtypeNode.asText() + " in a file of " + fileSize + " bytes");
    }
    Map.Entry<Long, Long> before = claimed.floorEntry(begin);
    Map.Entry<Long, Long> after = claimed.ceilingEntry(begin);
    if (end > begin && ((before != null && before.getValue() > begin) || (after != null && after.getKey() < end))) {
      throw bad(file, where + ": data_offsets " + offsets + " overlap another tensor's bytes");
    }
    if (end > begin) {
      claimed.put(begin, end);
    }
    float[] data = new float[(int) count];
    ByteBuffer raw = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, end - begin)
        .order(ByteOrder.LITTLE_ENDIAN);
    switch (width) {
      case 4 -> raw.asFloatBuffer().get(data);
      case 8 -> {
        for (int i = 0; i < data.length; i++) {
          data[i] = (float) raw.getDouble(8 * i);
        }
      }
      default -> {
        for (int i = 0; i < data.length; i++) {
          data[i] = Float.intBitsToFloat((raw.getShort(2 * i) & 0xffff) << 16); // bf16 = the top half of f32
        }
      }
    }
    return new WeightTensor(shape, data);
  }

  private static ByteBuffer readFully(FileChannel ch, long position, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    while (buf.hasRemaining()) {
      if (ch.read(buf, position + buf.position()) < 0) {
        throw new IOException("unexpected end of file");
      }
    }
    return buf.flip();
  }

  private static void writeFloats(FileChannel ch, float[] data) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < data.length; ) {
      int n = Math.min(buf.capacity() / 4, data.length - i);
      buf.clear();
      buf.asFloatBuffer().put(data, i, n);
      buf.limit(4 * n);
      writeFully(ch, buf);
      i += n;
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  private static IllegalArgumentException bad(Path file, String message) {
    return new IllegalArgumentException(file + ": " + message);
  }
}
