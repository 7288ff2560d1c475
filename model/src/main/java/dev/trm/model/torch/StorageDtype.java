package dev.trm.model.torch;

import java.nio.ByteBuffer;

/** The element types a torch storage can hold that a TRM checkpoint uses, and how to widen each to float32. */
enum StorageDtype {
  FLOAT32("FloatStorage", 4),
  BFLOAT16("BFloat16Storage", 2),
  FLOAT16("HalfStorage", 2),
  FLOAT64("DoubleStorage", 8);

  /** The class name torch pickles for a typed storage of this dtype (module {@code torch}). */
  final String torchClass;
  final int bytes;

  StorageDtype(String torchClass, int bytes) {
    this.torchClass = torchClass;
    this.bytes = bytes;
  }

  /** Reads one element at the buffer's position (in the buffer's byte order) and advances it. */
  float read(ByteBuffer in) {
    return switch (this) {
      case FLOAT32 -> in.getFloat();
      case BFLOAT16 -> Float.intBitsToFloat((in.getShort() & 0xffff) << 16);
      case FLOAT16 -> halfToFloat(in.getShort());
      case FLOAT64 -> (float) in.getDouble();
    };
  }

  /** IEEE 754 binary16 to float32 (Java 17 has no Float.float16ToFloat). */
  static float halfToFloat(short h) {
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      // Zero or subnormal: mant * 2^-24, exact in float32.
      float magnitude = mant * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }
}
