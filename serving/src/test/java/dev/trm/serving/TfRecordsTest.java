package dev.trm.serving;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TfRecordsTest {
  private static byte[] file(String... records) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String r : records) {
      TfRecords.write(out, r.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Test
  void writesTensorFlowsFraming() throws IOException {
    // TensorFlow's own framing of the record "abc": length 3, masked CRC-32C of the length, data, masked CRC of data.
    byte[] f = file("abc");
    assertThat(f).hasLength(8 + 4 + 3 + 4);
    assertThat(Arrays.copyOf(f, 8)).isEqualTo(new byte[] {3, 0, 0, 0, 0, 0, 0, 0});
    // CRC-32C("abc") = 0x364b3fb7; TFRecord masks it: rotate right by 15, plus 0xa282ead8.
    int crc = 0x364b3fb7;
    assertThat(TfRecords.maskedCrc("abc".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(((crc >>> 15) | (crc << 17)) + 0xa282ead8);
  }

  @Test
  void readsWhatItWritesUpToTheLimit() throws IOException {
    byte[] f = file("one", "", "three");
    List<byte[]> all = TfRecords.read(new ByteArrayInputStream(f), 10, 100);
    assertThat(all.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList())
        .containsExactly("one", "", "three").inOrder();
    assertThat(TfRecords.read(new ByteArrayInputStream(f), 2, 100)).hasSize(2);
  }

  @Test
  void truncationCorruptionAndOversizeAreErrorsNamingTheRecord() throws IOException {
    byte[] f = file("one", "two");
    IOException e = assertThrows(IOException.class,
        () -> TfRecords.read(new ByteArrayInputStream(Arrays.copyOf(f, f.length - 1)), 10, 100));
    assertThat(e).hasMessageThat().isEqualTo("record 1 is truncated");
    byte[] bad = f.clone();
    bad[13] ^= 1;  // a byte of the first record's data
    e = assertThrows(IOException.class, () -> TfRecords.read(new ByteArrayInputStream(bad), 10, 100));
    assertThat(e).hasMessageThat().isEqualTo("record 0: corrupted data (checksum mismatch)");
    e = assertThrows(IOException.class, () -> TfRecords.read(new ByteArrayInputStream(f), 10, 2));
    assertThat(e).hasMessageThat().isEqualTo("record 0: 3 bytes, more than 2");
  }
}
