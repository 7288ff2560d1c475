package dev.trm.datasets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The header of a {@code .npy} file (format versions 1.0, 2.0 and 3.0): dtype, C-order shape, and where the data starts.
 *
 * <p>{@link #encode} writes byte for byte what numpy 2.x writes: the dict with sorted keys, 21 spare digits for the
 * first axis (numpy's growth room, which also lets a streaming writer patch the row count in place), spaces up to a
 * 64-byte boundary, then {@code '\n'}.
 */
public record NpyHeader(NpyDtype dtype, long[] shape, long dataOffset) {

  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int ALIGN = 64;
  private static final int GROWTH_AXIS_MAX_DIGITS = 21;
  private static final int MAX_HEADER_BYTES = 1 << 20;

  public NpyHeader {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Number of elements (product of the shape; 1 for a 0-d array). */
  public long elementCount() {
    return elementCount(shape);
  }

  static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** The complete header bytes (magic to {@code '\n'}) for an array of this dtype and shape, as numpy writes them. */
  public static byte[] encode(NpyDtype dtype, long[] shape) {
    StringBuilder dict = new StringBuilder("{'descr': '").append(dtype.descr()).append("', 'fortran_order': False, 'shape': ")
        .append(pythonTuple(shape)).append(", }");
    if (shape.length > 0) {
      dict.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length()));
    }
    byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
    int version = 1;
    int prefix = MAGIC.length + 2 + 2;
    int hlen = text.length + 1;
    int padlen = ALIGN - ((prefix + hlen) % ALIGN);
    if (hlen + padlen > 0xFFFF) {
      version = 2;
      prefix = MAGIC.length + 2 + 4;
      padlen = ALIGN - ((prefix + hlen) % ALIGN);
    }
    ByteBuffer out = ByteBuffer.allocate(prefix + hlen + padlen).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) version).put((byte) 0);
    if (version == 1) {
      out.putShort((short) (hlen + padlen));
    } else {
      out.putInt(hlen + padlen);
    }
    out.put(text);
    for (int i = 0; i < padlen; i++) {
      out.put((byte) ' ');
    }
    out.put((byte) '\n');
    return out.array();
  }

  private static String pythonTuple(long[] shape) {
    if (shape.length == 1) {
      return "(" + shape[0] + ",)";
    }
    StringBuilder s = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      s.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return s.append(')').toString();
  }

  /** Reads and validates the header at the start of {@code channel}; errors name {@code file} and the bad field. */
  public static NpyHeader read(Path file, FileChannel channel) throws IOException {
    ByteBuffer pre = readFully(file, channel, 0, MAGIC.length + 2, "magic and version");
    byte[] magic = new byte[MAGIC.length];
    pre.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new DatasetFormatException(file + ": not a .npy file (magic bytes are not \\x93NUMPY)");
    }
    int major = pre.get() & 0xFF;
    int minor = pre.get() & 0xFF;
    if (major < 1 || major > 3 || minor != 0) {
      throw new DatasetFormatException(file + ": unsupported .npy format version " + major + "." + minor);
    }
    int lenBytes = major == 1 ? 2 : 4;
    ByteBuffer lenBuf = readFully(file, channel, MAGIC.length + 2, lenBytes, "header length");
    long hlen = major == 1 ? (lenBuf.getShort() & 0xFFFF) : (lenBuf.getInt() & 0xFFFFFFFFL);
    if (hlen > MAX_HEADER_BYTES) {
      throw new DatasetFormatException(file + ": header length " + hlen + " is implausibly large");
    }
    long textStart = MAGIC.length + 2 + lenBytes;
    ByteBuffer textBuf = readFully(file, channel, textStart, (int) hlen, "header");
    String text = (major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).decode(textBuf).toString();
    return parseDict(file, text, textStart + hlen);
  }

  private static ByteBuffer readFully(Path file, FileChannel ch, long pos, int n, String what) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (ch.read(b, pos + b.position()) < 0) {
        throw new DatasetFormatException(file + ": truncated .npy file (ends inside the " + what + ")");
      }
    }
    return b.flip();
  }

  private static NpyHeader parseDict(Path file, String text, long dataOffset) {
    Map<String, Object> dict = new DictParser(file, text).parse();
    if (!dict.keySet().equals(Set.of("descr", "fortran_order", "shape"))) {
      throw new DatasetFormatException(file + ": header keys must be descr, fortran_order, shape; found " + dict.keySet());
    }
    if (!(dict.get("descr") instanceof String descr)) {
      throw new DatasetFormatException(file + ": header field 'descr' is not a string (structured dtypes are not supported)");
    }
    if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
      throw new DatasetFormatException(file + ": header field 'fortran_order' is not True/False");
    }
    if (fortran) {
      throw new DatasetFormatException(file + ": header field 'fortran_order' is True; only C order is supported");
    }
    if (!(dict.get("shape") instanceof long[] shape)) {
      throw new DatasetFormatException(file + ": header field 'shape' is not a tuple of integers");
    }
    for (long d : shape) {
      if (d < 0) {
        throw new DatasetFormatException(file + ": header field 'shape' has a negative dimension " + Arrays.toString(shape));
      }
    }
    return new NpyHeader(NpyDtype.fromDescr(descr, file), shape, dataOffset);
  }

  /** A parser for the one Python literal a .npy header holds: a dict of strings, booleans and int tuples. */
  private static final class DictParser {
    private final Path file;
    private final String s;
    private int i;

    DictParser(Path file, String s) {
      this.file = file;
      this.s = s;
    }

    Map<String, Object> parse() {
      Map<String, Object> dict = new HashMap<>();
      expect('{');
      while (peek() != '}') {
        String key = string();
        expect(':');
        dict.put(key, value());
        if (peek() == ',') {
          i++;
        } else if (peek() != '}') {
          throw error("expected ',' or '}'");
        }
      }
      i++;
      if (!s.substring(i).isBlank()) {
        throw error("unexpected text after the dict");
      }
      return dict;
    }

    private Object value() {
      char c = peek();
      if (c == '\'' || c == '"') {
        return string();
      }
      if (c == '(') {
        return tuple();
      }
      if (s.startsWith("True", i)) {
        i += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("False", i)) {
        i += 5;
        return Boolean.FALSE;
      }
      throw error("unsupported value");
    }

    private long[] tuple() {
      expect('(');
      List<Long> dims = new ArrayList<>();
      while (peek() != ')') {
        int start = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
          i++;
        }
        if (start == i) {
          throw error("expected an integer in the shape");
        }
        dims.add(Long.parseLong(s.substring(start, i)));
        if (i < s.length() && s.charAt(i) == 'L') {
          i++; // Python 2 long suffix
        }
        if (peek() == ',') {
          i++;
        } else if (peek() != ')') {
          throw error("expected ',' or ')' in the shape");
        }
      }
      i++;
      return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private String string() {
      char quote = peek();
      if (quote != '\'' && quote != '"') {
        throw error("expected a quoted key");
      }
      int end = s.indexOf(quote, ++i);
      if (end < 0) {
        throw error("unterminated string");
      }
      String v = s.substring(i, end);
      i = end + 1;
      return v;
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error("expected '" + c + "'");
      }
      i++;
    }

    private char peek() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      if (i >= s.length()) {
        throw error("unexpected end of header");
      }
      return s.charAt(i);
    }

    private DatasetFormatException error(String what) {
      return new DatasetFormatException(file + ": malformed .npy header at character " + i + " (" + what + "): " + s.strip());
    }
  }
}
