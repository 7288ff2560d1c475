package dev.trm.datasets;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  @TempDir Path tmp;

  private static Path fixture(String name) throws URISyntaxException {
    return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
  }

  @Test
  void writtenFileFollowsTheFormatSpec() throws IOException {
    Path f = tmp.resolve("a.npy");
    Npy.write(f, new long[] {2, 3}, new int[] {1, -2, 3, 70000, 5, 6}, NpyDtype.INT32);
    byte[] b = Files.readAllBytes(f);
    // magic string, then format version 1.0
    assertThat(Arrays.copyOf(b, 6)).isEqualTo(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'});
    assertThat(b[6]).isEqualTo(1);
    assertThat(b[7]).isEqualTo(0);
    int headerLen = (b[8] & 0xFF) | (b[9] & 0xFF) << 8; // little-endian uint16
    int dataStart = 10 + headerLen;
    assertThat(dataStart % 64).isEqualTo(0);
    String header = new String(b, 10, headerLen, StandardCharsets.ISO_8859_1);
    assertThat(header).startsWith("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }");
    assertThat(header).endsWith("\n");
    String afterDict = header.substring(header.indexOf('}') + 1, header.length() - 1);
    assertThat(afterDict.isBlank()).isTrue();
    assertThat(afterDict.chars().allMatch(c -> c == ' ')).isTrue();
    ByteBuffer data = ByteBuffer.wrap(b, dataStart, b.length - dataStart).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.length - dataStart).isEqualTo(6 * 4);
    int[] values = new int[6];
    data.asIntBuffer().get(values);
    assertThat(values).isEqualTo(new int[] {1, -2, 3, 70000, 5, 6});
  }

  @Test
  void writtenBytesEqualWhatNumpySaveWrites() throws Exception {
    Path u1 = tmp.resolve("u1.npy");
    Npy.write(u1, new long[] {2, 3}, new byte[] {0, 40, 80, 120, (byte) 160, (byte) 200}, NpyDtype.UINT8);
    assertThat(Files.readAllBytes(u1)).isEqualTo(Files.readAllBytes(fixture("u1_2x3.npy")));
    Path i2 = tmp.resolve("i2.npy");
    Npy.write(i2, new long[] {2, 2}, new int[] {-32768, 1, 2, 32767}, NpyDtype.INT16);
    assertThat(Files.readAllBytes(i2)).isEqualTo(Files.readAllBytes(fixture("i2_2x2.npy")));
    Path b1 = tmp.resolve("b1.npy");
    Npy.write(b1, new long[] {4}, new int[] {1, 0, 0, 1}, NpyDtype.BOOL);
    assertThat(Files.readAllBytes(b1)).isEqualTo(Files.readAllBytes(fixture("b1_4.npy")));
    Path i8 = tmp.resolve("i8.npy");
    Npy.write(i8, new long[] {5}, new int[] {-3, 0, 7, Integer.MAX_VALUE, Integer.MIN_VALUE}, NpyDtype.INT64);
    assertThat(Files.readAllBytes(i8)).isEqualTo(Files.readAllBytes(fixture("i8_5.npy")));
  }

  @Test
  void readsNumpyFilesOfEveryDtype() throws Exception {
    NpyArray u1 = Npy.read(fixture("u1_2x3.npy"));
    assertThat(u1.dtype()).isEqualTo(NpyDtype.UINT8);
    assertThat(u1.shape()).isEqualTo(new long[] {2, 3});
    assertThat(u1.readAllInts()).isEqualTo(new int[] {0, 40, 80, 120, 160, 200});
    assertThat(Npy.read(fixture("i8_5.npy")).readAllInts())
        .isEqualTo(new int[] {-3, 0, 7, Integer.MAX_VALUE, Integer.MIN_VALUE});
    assertThat(Npy.read(fixture("i2_2x2.npy")).readAllInts()).isEqualTo(new int[] {-32768, 1, 2, 32767});
    assertThat(Npy.read(fixture("b1_4.npy")).readAllInts()).isEqualTo(new int[] {1, 0, 0, 1});
    NpyArray f4 = Npy.read(fixture("f4_3.npy"));
    assertThat(f4.getDouble(1)).isEqualTo(-1.25);
    assertThrows(IllegalStateException.class, () -> f4.getInt(0));
  }

  @Test
  void readsFormatVersion2() throws Exception {
    NpyArray a = Npy.read(fixture("i4_v2_2x2.npy"));
    assertThat(a.shape()).isEqualTo(new long[] {2, 2});
    assertThat(a.readAllInts()).isEqualTo(new int[] {1, -2, 300000, 4});
  }

  @Test
  void rejectsFortranOrderAndBigEndianNamingTheFile() throws Exception {
    DatasetFormatException fortran = assertThrows(DatasetFormatException.class, () -> Npy.read(fixture("i4_fortran.npy")));
    assertThat(fortran).hasMessageThat().contains("i4_fortran.npy");
    assertThat(fortran).hasMessageThat().contains("fortran_order");
    DatasetFormatException big = assertThrows(DatasetFormatException.class, () -> Npy.read(fixture("i4_bigendian.npy")));
    assertThat(big).hasMessageThat().contains("i4_bigendian.npy");
    assertThat(big).hasMessageThat().contains("big-endian");
  }

  @Test
  void rejectsBadMagicTruncatedDataAndMalformedHeader() throws IOException {
    Path notNpy = tmp.resolve("text.npy");
    Files.writeString(notNpy, "hello, this is not numpy at all");
    assertThat(assertThrows(DatasetFormatException.class, () -> Npy.read(notNpy))).hasMessageThat().contains("text.npy: not a .npy");

    Path truncated = tmp.resolve("trunc.npy");
    Npy.write(truncated, new long[] {10}, new int[10], NpyDtype.INT32);
    byte[] all = Files.readAllBytes(truncated);
    Files.write(truncated, Arrays.copyOf(all, all.length - 4));
    assertThat(assertThrows(DatasetFormatException.class, () -> Npy.read(truncated))).hasMessageThat().contains("truncated");

    Path badHeader = tmp.resolve("bad.npy");
    byte[] header = NpyHeader.encode(NpyDtype.INT32, new long[] {1});
    String text = new String(header, StandardCharsets.ISO_8859_1).replace("'shape': (1,)", "'shape': [1] ");
    Files.write(badHeader, text.getBytes(StandardCharsets.ISO_8859_1));
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Npy.read(badHeader));
    assertThat(e).hasMessageThat().contains("bad.npy: malformed .npy header");

    Path missing = tmp.resolve("missing.npy");
    assertThat(assertThrows(DatasetFormatException.class, () -> Npy.read(missing))).hasMessageThat().contains("missing.npy");
  }

  @Test
  void chunkedReadsCrossChunkBoundaries() {
    Path f = tmp.resolve("big.npy");
    int[] values = new int[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = i * 7919 - 500_000;
    }
    Npy.write(f, new long[] {values.length}, values, NpyDtype.INT32);
    NpyArray a = NpyArray.open(f, 60); // 15 ints per chunk
    int[] got = new int[500];
    a.readInts(10, got, 0, 500);
    assertThat(got).isEqualTo(Arrays.copyOfRange(values, 10, 510));
    for (int i = 0; i < values.length; i++) {
      assertThat(a.getInt(i)).isEqualTo(values[i]);
    }
    assertThrows(IndexOutOfBoundsException.class, () -> a.getInt(1000));
  }

  @Test
  void readsAnArrayLargerThan2GiB() throws IOException {
    // A sparse file: 2.5 GB of uint8 zeros with two marked bytes past the 2 GB limit of one mapped buffer.
    long n = 2_500_000_000L;
    Path f = tmp.resolve("huge.npy");
    byte[] header = NpyHeader.encode(NpyDtype.UINT8, new long[] {n});
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.write(header);
      raf.setLength(header.length + n);
      raf.seek(header.length + n - 1);
      raf.write(7);
      raf.seek(header.length + 2_200_000_000L);
      raf.write(9);
    }
    NpyArray a = Npy.read(f);
    assertThat(a.size()).isEqualTo(n);
    assertThat(a.getInt(n - 1)).isEqualTo(7);
    int[] around = new int[3];
    a.readInts(2_199_999_999L, around, 0, 3);
    assertThat(around).isEqualTo(new int[] {0, 9, 0});
    int[] acrossChunk = new int[4];
    a.readInts(NpyArray.DEFAULT_CHUNK_BYTES - 2, acrossChunk, 0, 4);
    assertThat(acrossChunk).isEqualTo(new int[4]);
  }

  @Test
  void streamingWriterPatchesTheRowCountAndKeepsNumpysHeaderLength() throws IOException {
    Path f = tmp.resolve("rows.npy");
    try (NpyWriter w = NpyWriter.create(f, NpyDtype.UINT8, 3)) {
      w.append(new int[] {1, 2});
      w.append(new int[] {3, 4, 5, 6}, 0, 4);
      w.append(200);
      w.append(new int[] {9, 8}, 0, 2);
      assertThat(w.rows()).isEqualTo(3);
    }
    NpyArray a = Npy.read(f);
    assertThat(a.shape()).isEqualTo(new long[] {3, 3});
    assertThat(a.readAllInts()).isEqualTo(new int[] {1, 2, 3, 4, 5, 6, 200, 9, 8});
    assertThat(NpyHeader.encode(NpyDtype.UINT8, new long[] {123_456_789_012L, 3}).length)
        .isEqualTo(NpyHeader.encode(NpyDtype.UINT8, new long[] {0, 3}).length);
  }

  @Test
  void incompleteRowOrAbortLeavesThePreviousFileIntact() throws IOException {
    Path f = tmp.resolve("keep.npy");
    Npy.write(f, new long[] {2}, new int[] {4, 5}, NpyDtype.INT32);
    byte[] before = Files.readAllBytes(f);
    NpyWriter w = NpyWriter.create(f, NpyDtype.INT32, 2);
    w.append(1);
    assertThrows(IllegalStateException.class, w::close);
    NpyWriter w2 = NpyWriter.create(f, NpyDtype.INT32);
    w2.append(9);
    w2.abort();
    assertThat(Files.readAllBytes(f)).isEqualTo(before);
    assertThat(Files.exists(DurableFiles.temporaryFor(f, DurableFiles.PARTIAL))).isFalse();
  }

  @Test
  void valuesOutsideTheDtypeAreRejectedNamingTheFile() {
    Path f = tmp.resolve("range.npy");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Npy.write(f, new long[] {2}, new int[] {1, 256}, NpyDtype.UINT8));
    assertThat(e).hasMessageThat().contains("range.npy");
    assertThat(e).hasMessageThat().contains("256");
    assertThrows(IllegalArgumentException.class, () -> Npy.write(f, new long[] {3}, new int[] {1, 2}, NpyDtype.INT32));
  }
}
