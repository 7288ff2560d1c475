package dev.trm.datasets;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads and writes numpy {@code .npy} files (format 1.0/2.0, little-endian, C order; dtypes of {@link NpyDtype}).
 * Reading maps the file in chunks ({@link NpyArray}); writing produces the exact bytes {@code numpy.save} writes.
 */
public final class Npy {
  private Npy() {}

  /** Maps {@code file} for random access; never reads the data into the heap. */
  public static NpyArray read(Path file) {
    return NpyArray.open(file, NpyArray.DEFAULT_CHUNK_BYTES);
  }

  /** Writes {@code data} (C order) as an array of {@code shape} and {@code dtype}; values must fit the dtype. */
  public static void write(Path file, long[] shape, int[] data, NpyDtype dtype) {
    try (NpyWriter w = start(file, shape, data.length, dtype)) {
      w.append(data);
    }
  }

  /** Writes raw bytes of a single-byte dtype (|u1, |i1, |b1). */
  public static void write(Path file, long[] shape, byte[] data, NpyDtype dtype) {
    try (NpyWriter w = start(file, shape, data.length, dtype)) {
      w.append(data, 0, data.length);
    }
  }

  private static NpyWriter start(Path file, long[] shape, int length, NpyDtype dtype) {
    if (shape.length == 0) {
      throw new IllegalArgumentException(file + ": 0-d arrays are not supported");
    }
    if (NpyHeader.elementCount(shape) != length) {
      throw new IllegalArgumentException(file + ": shape " + Arrays.toString(shape) + " holds "
          + NpyHeader.elementCount(shape) + " elements but the data has " + length);
    }
    return NpyWriter.create(file, dtype, Arrays.copyOfRange(shape, 1, shape.length));
  }
}
