package dev.trm.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Streams a {@code .npy} array of integers or floats to disk row by row, for builders that produce millions of rows
 * and for predictions.
 *
 * <p>The header comes first; it is written with a row count of 0 and patched in place on {@link #close()} with the
 * final count (numpy reserves room for 21 digits of the first axis, so the header length never changes). Data goes
 * to a hidden temporary ({@link DurableFiles#temporaryFor}), published durably under {@code file} only by a
 * successful close: an interrupted build never leaves a file that looks complete, and never replaces a good one.
 */
public final class NpyWriter implements AutoCloseable {
  private static final int BUFFER_BYTES = 1 << 20;

  private final Path file;
  private final Path partial;
  private final NpyDtype dtype;
  private final long[] rowShape;
  private final long rowSize;
  private final int headerLength;
  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
  private long elements;
  private boolean closed;

  private NpyWriter(Path file, NpyDtype dtype, long[] rowShape) throws IOException {
    this.file = file;
    this.partial = DurableFiles.temporaryFor(file, DurableFiles.PARTIAL);
    this.dtype = dtype;
    this.rowShape = rowShape.clone();
    for (long d : rowShape) {
      if (d <= 0) {
        throw new IllegalArgumentException(file + ": row dimensions must be positive, got " + Arrays.toString(rowShape));
      }
    }
    this.rowSize = NpyHeader.elementCount(rowShape);
    DurableFiles.createDirectories(partial.getParent());
    this.channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
    byte[] header = NpyHeader.encode(dtype, shapeWithRows(0));
    this.headerLength = header.length;
    channel.write(ByteBuffer.wrap(header));
  }

  /**
   * Starts an array of {@code dtype} whose rows have shape {@code rowShape} (empty for a 1-D array of scalars);
   * the final shape is {@code [rows, rowShape...]}.
   */
  public static NpyWriter create(Path file, NpyDtype dtype, long... rowShape) {
    try {
      return new NpyWriter(file, dtype, rowShape);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot create: " + e.getMessage(), e);
    }
  }

  /** Appends one element (for integer dtypes the value must fit; bool takes 0 or 1). */
  public void append(int value) {
    ensureOpen();
    if (buffer.remaining() < dtype.itemSize()) {
      flush();
    }
    put(value);
  }

  /** Appends {@code values[off .. off+len-1]}; rows may span calls. */
  public void append(int[] values, int off, int len) {
    ensureOpen();
    for (int done = 0; done < len; ) {
      if (buffer.remaining() < dtype.itemSize()) {
        flush();
      }
      int n = Math.min(len - done, buffer.remaining() / dtype.itemSize());
      for (int i = off + done; i < off + done + n; i++) {
        put(values[i]);
      }
      done += n;
    }
  }

  public void append(int[] values) {
    append(values, 0, values.length);
  }

  /** Appends {@code values[off .. off+len-1]} to a float32 or float64 array; rows may span calls. */
  public void append(float[] values, int off, int len) {
    ensureOpen();
    if (dtype != NpyDtype.FLOAT32 && dtype != NpyDtype.FLOAT64) {
      throw new IllegalArgumentException(file + ": float data needs a float dtype, not " + dtype.descr());
    }
    for (int i = off; i < off + len; i++) {
      if (buffer.remaining() < dtype.itemSize()) {
        flush();
      }
      if (dtype == NpyDtype.FLOAT32) {
        buffer.putFloat(values[i]);
      } else {
        buffer.putDouble(values[i]);
      }
      elements++;
    }
  }

  /** Appends raw bytes of a single-byte dtype (|u1, |i1, |b1) as they are. */
  public void append(byte[] values, int off, int len) {
    ensureOpen();
    if (dtype.itemSize() != 1) {
      throw new IllegalArgumentException(file + ": byte data needs a 1-byte dtype, not " + dtype.descr());
    }
    for (int done = 0; done < len; ) {
      if (!buffer.hasRemaining()) {
        flush();
      }
      int n = Math.min(len - done, buffer.remaining());
      if (dtype == NpyDtype.BOOL) {
        for (int i = 0; i < n; i++) {
          checkBool(values[off + done + i]);
        }
      }
      buffer.put(values, off + done, n);
      done += n;
      elements += n;
    }
  }

  /** Elements appended so far. */
  public long elements() {
    return elements;
  }

  /** Complete rows appended so far. */
  public long rows() {
    return elements / rowSize;
  }

  public Path file() {
    return file;
  }

  /** Writes one value into the buffer (which has room) and counts it. */
  private void put(int v) {
    switch (dtype) {
      case UINT8 -> buffer.put((byte) checkRange(v, 0, 255));
      case INT8 -> buffer.put((byte) checkRange(v, Byte.MIN_VALUE, Byte.MAX_VALUE));
      case BOOL -> buffer.put((byte) checkRange(v, 0, 1));
      case INT16 -> buffer.putShort((short) checkRange(v, Short.MIN_VALUE, Short.MAX_VALUE));
      case INT32 -> buffer.putInt(v);
      case INT64 -> buffer.putLong(v);
      case FLOAT32 -> buffer.putFloat(v);
      case FLOAT64 -> buffer.putDouble(v);
    }
    elements++;
  }

  private int checkRange(int v, int min, int max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(file + ": value " + v + " at element " + elements + " does not fit dtype "
          + dtype.descr() + " [" + min + ", " + max + "]");
    }
    return v;
  }

  private void checkBool(byte b) {
    checkRange(b, 0, 1);
  }

  private void flush() {
    buffer.flip();
    try {
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(partial + ": write failed: " + e.getMessage(), e);
    }
    buffer.clear();
  }

  private long[] shapeWithRows(long rows) {
    long[] shape = new long[rowShape.length + 1];
    shape[0] = rows;
    System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
    return shape;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(file + ": writer already closed");
    }
  }

  /**
   * Patches the header with the final row count and moves the file into place. Fails (and discards the partial file)
   * if the last row is incomplete.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (elements % rowSize != 0) {
      abort();
      throw new IllegalStateException(file + ": " + elements + " elements is not a whole number of rows of " + rowSize);
    }
    flush();
    closed = true;
    try (channel) {
      byte[] header = NpyHeader.encode(dtype, shapeWithRows(rows()));
      if (header.length != headerLength) {
        throw new IllegalStateException(file + ": header length changed while patching the row count");
      }
      channel.write(ByteBuffer.wrap(header), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(partial + ": " + e.getMessage(), e);
    }
    DurableFiles.publish(partial, file);
  }

  /** Discards everything written; the destination file, if it existed, is untouched. */
  public void abort() {
    if (closed) {
      return;
    }
    closed = true;
    try (channel) {
      Files.deleteIfExists(partial);
    } catch (IOException e) {
      throw new UncheckedIOException(partial + ": " + e.getMessage(), e);
    }
  }
}
