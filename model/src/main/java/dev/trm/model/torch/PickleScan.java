package dev.trm.model.torch;

/**
 * Walks a pickle's opcodes (protocols 0-5) without running them and checks every length prefix against the bytes
 * that follow. The unpickler allocates whatever a length prefix declares before it reads the bytes, so a few-byte
 * pickle claiming a 2 GiB string would otherwise exhaust the heap; after this scan every allocation it makes is
 * bounded by the pickle's own size.
 */
final class PickleScan {
  private final byte[] pickle;
  private int pos;

  private PickleScan(byte[] pickle) {
    this.pickle = pickle;
  }

  /**
   * Returns normally if every opcode up to STOP is known and every length fits; otherwise throws an
   * IllegalArgumentException whose message names the opcode and its byte offset.
   */
  static void check(byte[] pickle) {
    new PickleScan(pickle).run();
  }

  private void run() {
    while (pos < pickle.length) {
      int at = pos;
      int op = pickle[pos++] & 0xff;
      switch (op) {
        case '.' -> {
          return;  // STOP
        }
        case '(', '0', '1', '2', 'N', 'R', ']', 'a', 'b', 'd', '}', 'e', 'l', 'o', 's', 't', ')', 'u', 'Q',
            0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x97, 0x98 -> { }
        case 'I', 'L', 'F', 'S', 'V', 'P', 'g', 'p' -> line(at, op);
        case 'c', 'i' -> {
          line(at, op);
          line(at, op);
        }
        case 'K', 'h', 'q', 0x80, 0x82 -> skip(at, op, 1);
        case 'M', 0x83 -> skip(at, op, 2);
        case 'J', 'j', 'r', 0x84 -> skip(at, op, 4);
        case 'G', 0x95 -> skip(at, op, 8);
        case 'U', 'C', 0x8c, 0x8a -> skip(at, op, length(at, op, 1));
        case 'T', 'X', 'B', 0x8b -> skip(at, op, length(at, op, 4));
        case 0x8d, 0x8e, 0x96 -> skip(at, op, length(at, op, 8));
        default -> throw new IllegalArgumentException(String.format("unknown pickle opcode 0x%02x at byte %d", op, at));
      }
    }
    throw new IllegalArgumentException("the pickle ends after " + pickle.length + " bytes without its STOP opcode");
  }

  /** Reads a little-endian length of {@code width} bytes; a negative or oversized one is refused. */
  private long length(int at, int op, int width) {
    skip(at, op, width);
    long n = 0;
    for (int i = width - 1; i >= 0; i--) {
      n = (n << 8) | (pickle[pos - width + i] & 0xff);
    }
    if (width == 4) {
      n = (int) n;  // the unpickler reads 4-byte lengths as signed
    }
    if (n < 0 || n > pickle.length - pos) {
      throw new IllegalArgumentException(String.format("pickle opcode 0x%02x at byte %d declares %s bytes but only "
          + "%d follow", op, at, width == 8 ? Long.toUnsignedString(n) : Long.toString(n), pickle.length - pos));
    }
    return n;
  }

  private void skip(int at, int op, long n) {
    if (n > pickle.length - pos) {
      throw new IllegalArgumentException(String.format("pickle opcode 0x%02x at byte %d is cut off by the end of the "
          + "pickle", op, at));
    }
    pos += (int) n;
  }

  private void line(int at, int op) {
    while (pos < pickle.length && pickle[pos] != '\n') {
      pos++;
    }
    if (pos == pickle.length) {
      throw new IllegalArgumentException(String.format("pickle opcode 0x%02x at byte %d has no end of line", op, at));
    }
    pos++;
  }
}
