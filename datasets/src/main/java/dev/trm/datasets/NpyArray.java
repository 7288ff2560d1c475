package dev.trm.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A read-only {@code .npy} array mapped from disk in chunks, so arrays larger than 2 GB work and nothing is copied
 * into the heap until asked for. Random access by flat (C-order) element index. Safe for concurrent readers.
 */
public final class NpyArray {
  /** 1 GiB chunks: a multiple of every item size, well under the 2 GB limit of one {@link MappedByteBuffer}. */
  static final long DEFAULT_CHUNK_BYTES = 1L << 30;

  private final Path file;
  private final NpyHeader header;
  private final long size;
  private final int itemSize;
  private final long chunkBytes;
  private final ByteBuffer[] chunks;

  private NpyArray(Path file, NpyHeader header, long chunkBytes, ByteBuffer[] chunks) {
    this.file = file;
    this.header = header;
    this.size = header.elementCount();
    this.itemSize = header.dtype().itemSize();
    this.chunkBytes = chunkBytes;
    this.chunks = chunks;
  }

  /** Maps {@code file}; a malformed header or a file shorter than its shape says gives a {@link DatasetFormatException}. */
  static NpyArray open(Path file, long chunkBytes) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      NpyHeader header = NpyHeader.read(file, ch);
      long dataBytes = Math.multiplyExact(header.elementCount(), header.dtype().itemSize());
      long available = ch.size() - header.dataOffset();
      if (available < dataBytes) {
        throw new DatasetFormatException(file + ": truncated: shape " + Arrays.toString(header.shape()) + " of "
            + header.dtype().descr() + " needs " + dataBytes + " data bytes, the file has " + available);
      }
      long chunk = chunkBytes - chunkBytes % header.dtype().itemSize();
      int n = (int) ((dataBytes + chunk - 1) / chunk);
      ByteBuffer[] chunks = new ByteBuffer[n];
      for (int c = 0; c < n; c++) {
        long start = c * chunk;
        MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, header.dataOffset() + start, Math.min(chunk, dataBytes - start));
        chunks[c] = m.order(ByteOrder.LITTLE_ENDIAN);
      }
      // The mappings stay valid after the channel is closed.
      return new NpyArray(file, header, chunk, chunks);
    } catch (NoSuchFileException e) {
      throw new DatasetFormatException(file + ": no such file", e);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  public NpyDtype dtype() {
    return header.dtype();
  }

  public long[] shape() {
    return header.shape();
  }

  /** Total number of elements. */
  public long size() {
    return size;
  }

  /** Element {@code index} (flat, C order) of an integer or bool array. An int64 value outside int range is an error. */
  public int getInt(long index) {
    checkRange(index, 1);
    ByteBuffer b = chunks[(int) (index * itemSize / chunkBytes)];
    int pos = (int) (index * itemSize % chunkBytes);
    return switch (header.dtype()) {
      case UINT8 -> b.get(pos) & 0xFF;
      case INT8 -> b.get(pos);
      case BOOL -> b.get(pos) != 0 ? 1 : 0;
      case INT16 -> b.getShort(pos);
      case INT32 -> b.getInt(pos);
      case INT64 -> toInt(b.getLong(pos), index);
      case FLOAT32, FLOAT64 -> throw new IllegalStateException(file + ": getInt on a floating-point array; use getDouble");
    };
  }

  /** Element {@code index} of any dtype, widened to double. */
  public double getDouble(long index) {
    checkRange(index, 1);
    ByteBuffer b = chunks[(int) (index * itemSize / chunkBytes)];
    int pos = (int) (index * itemSize % chunkBytes);
    return switch (header.dtype()) {
      case FLOAT32 -> b.getFloat(pos);
      case FLOAT64 -> b.getDouble(pos);
      case INT64 -> b.getLong(pos);
      default -> getInt(index);
    };
  }

  /** Copies elements {@code offset .. offset+len-1} (flat index) into {@code dst[off ..]} as ints. */
  public void readInts(long offset, int[] dst, int off, int len) {
    checkRange(offset, len);
    if (off < 0 || len < 0 || off + len > dst.length) {
      throw new IndexOutOfBoundsException("dst range " + off + "+" + len + " outside an array of " + dst.length);
    }
    long byteStart = offset * itemSize;
    int done = 0;
    while (done < len) {
      long at = byteStart + (long) done * itemSize;
      int c = (int) (at / chunkBytes);
      int pos = (int) (at % chunkBytes);
      int n = (int) Math.min(len - done, (chunkBytes - pos) / itemSize);
      ByteBuffer slice = chunks[c].duplicate().order(ByteOrder.LITTLE_ENDIAN).position(pos);
      copy(slice, dst, off + done, n, offset + done);
      done += n;
    }
  }

  /** Reads the whole array into the heap; for the small index arrays only. */
  public int[] readAllInts() {
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(file + ": " + size + " elements do not fit an int[]");
    }
    int[] all = new int[(int) size];
    readInts(0, all, 0, all.length);
    return all;
  }

  private void copy(ByteBuffer src, int[] dst, int off, int n, long firstIndex) {
    switch (header.dtype()) {
      case UINT8 -> {
        for (int i = 0; i < n; i++) {
          dst[off + i] = src.get() & 0xFF;
        }
      }
      case INT8 -> {
        for (int i = 0; i < n; i++) {
          dst[off + i] = src.get();
        }
      }
      case BOOL -> {
        for (int i = 0; i < n; i++) {
          dst[off + i] = src.get() != 0 ? 1 : 0;
        }
      }
      case INT16 -> {
        for (int i = 0; i < n; i++) {
          dst[off + i] = src.getShort();
        }
      }
      case INT32 -> src.asIntBuffer().get(dst, off, n);
      case INT64 -> {
        for (int i = 0; i < n; i++) {
          dst[off + i] = toInt(src.getLong(), firstIndex + i);
        }
      }
      case FLOAT32, FLOAT64 -> throw new IllegalStateException(file + ": readInts on a floating-point array");
    }
  }

  private int toInt(long v, long index) {
    if (v != (int) v) {
      throw new DatasetFormatException(file + ": element " + index + " = " + v + " does not fit in an int");
    }
    return (int) v;
  }

  private void checkRange(long offset, long len) {
    if (offset < 0 || len < 0 || offset + len > size) {
      throw new IndexOutOfBoundsException(file + ": elements " + offset + "+" + len + " outside an array of " + size);
    }
  }

  @Override
  public String toString() {
    return file + " " + header.dtype().descr() + Arrays.toString(header.shape());
  }
}
