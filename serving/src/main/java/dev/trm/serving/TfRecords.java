package dev.trm.serving;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * TensorFlow's TFRecord file format: each record is its length (uint64, little-endian), the masked CRC-32C of those
 * 8 bytes, the data, and the masked CRC-32C of the data.
 */
public final class TfRecords {
  private static final int MASK_DELTA = 0xa282ead8;

  private TfRecords() {}

  /** Appends one record. */
  public static void write(OutputStream out, byte[] data) throws IOException {
    byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
    out.write(length);
    out.write(le32(maskedCrc(length)));
    out.write(data);
    out.write(le32(maskedCrc(data)));
  }

  /**
   * Reads up to {@code maxRecords} records. A truncated record, a wrong checksum or a record longer than
   * {@code maxRecordBytes} is an IOException naming the record's index.
   */
  public static List<byte[]> read(InputStream in, int maxRecords, int maxRecordBytes) throws IOException {
    DataInputStream data = new DataInputStream(in);
    List<byte[]> records = new ArrayList<>();
    byte[] header = new byte[8];
    byte[] crc = new byte[4];
    while (records.size() < maxRecords) {
      int first = data.read();
      if (first < 0) {
        break;
      }
      int index = records.size();
      try {
        header[0] = (byte) first;
        data.readFully(header, 1, 7);
        data.readFully(crc);
        if (ByteBuffer.wrap(crc).order(ByteOrder.LITTLE_ENDIAN).getInt() != maskedCrc(header)) {
          throw new IOException("record " + index + ": corrupted length (checksum mismatch)");
        }
        long length = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (length < 0 || length > maxRecordBytes) {
          throw new IOException("record " + index + ": " + Long.toUnsignedString(length) + " bytes, more than "
              + maxRecordBytes);
        }
        byte[] record = new byte[(int) length];
        data.readFully(record);
        data.readFully(crc);
        if (ByteBuffer.wrap(crc).order(ByteOrder.LITTLE_ENDIAN).getInt() != maskedCrc(record)) {
          throw new IOException("record " + index + ": corrupted data (checksum mismatch)");
        }
        records.add(record);
      } catch (EOFException e) {
        throw new IOException("record " + index + " is truncated", e);
      }
    }
    return records;
  }

  static int maskedCrc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }

  private static byte[] le32(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }
}
