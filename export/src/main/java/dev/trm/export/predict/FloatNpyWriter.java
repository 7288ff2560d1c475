package dev.trm.export.predict;

import dev.trm.datasets.NpyDtype;
import dev.trm.datasets.NpyHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Streams a float32 {@code .npy} whose shape is known up front (the datasets' NpyWriter takes ints only): the header,
 * then values appended in C order, in a temporary file that is moved into place when the last value is in.
 */
final class FloatNpyWriter implements AutoCloseable {
  private final Path file;
  private final Path tmp;
  private final FileChannel channel;
  private final long expected;
  private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
  private long written;

  FloatNpyWriter(Path file, long... shape) {
    this.file = file;
    this.expected = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
      channel.write(ByteBuffer.wrap(NpyHeader.encode(NpyDtype.FLOAT32, shape)));
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  void append(float[] values, int off, int len) {
    if (written + len > expected) {
      throw new IllegalStateException(file + ": more values than its shape holds");
    }
    for (int i = off; i < off + len; i++) {
      if (!buffer.hasRemaining()) {
        flush();
      }
      buffer.putFloat(values[i]);
    }
    written += len;
  }

  private void flush() {
    buffer.flip();
    try {
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
    buffer.clear();
  }

  @Override
  public void close() {
    if (written != expected) {
      abort();
      throw new IllegalStateException(file + ": " + written + " of " + expected + " values written");
    }
    flush();
    try {
      channel.close();
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  void abort() {
    try {
      channel.close();
      Files.deleteIfExists(tmp);
    } catch (IOException e) {
      // Best effort: the temporary file is hidden and named after the output.
    }
  }
}
