package dev.trm.model;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  @Test
  void roundTripKeepsNamesOrderShapesAndValues() throws IOException {
    Map<String, WeightTensor> in = new LinkedHashMap<>();
    in.put("H_init", new WeightTensor(new long[] {3}, new float[] {1.5f, -2f, 1e-30f}));
    in.put("lm_head.weight", new WeightTensor(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, Float.MIN_VALUE}));
    in.put("scalar", new WeightTensor(new long[] {}, new float[] {7}));
    Path file = dir.resolve("w.safetensors");
    Safetensors.write(file, in);
    Map<String, WeightTensor> out = Safetensors.read(file);
    assertThat(out).containsExactlyEntriesIn(in).inOrder();
    // The header length is a multiple of 8, as the format asks.
    long headerLen = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(headerLen % 8).isEqualTo(0);
  }

  @Test
  void readsBf16AndF64AndStripsTheOfficialPrefix() throws IOException {
    // bf16 0x3FC0 = 1.5, 0xC000 = -2; f64 0.1 becomes (float) 0.1
    ByteBuffer data = ByteBuffer.allocate(4 + 16).order(ByteOrder.LITTLE_ENDIAN);
    data.putShort((short) 0x3FC0).putShort((short) 0xC000).putDouble(0.1).putDouble(-3);
    String header = "{\"__metadata__\":{\"format\":\"pt\"},"
        + "\"_orig_mod.model.inner.H_init\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]},"
        + "\"q_head.bias\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[4,20]}}";
    Path file = write(header, data.array());
    Map<String, WeightTensor> out = Safetensors.read(file);
    assertThat(out.keySet()).containsExactly("H_init", "q_head.bias").inOrder();
    assertThat(out.get("H_init").data()).usingExactEquality().containsExactly(1.5f, -2f).inOrder();
    assertThat(out.get("q_head.bias").data()).usingExactEquality().containsExactly((float) 0.1, -3f).inOrder();
  }

  @Test
  void malformedFilesNameTheFileAndTheTensor() throws IOException {
    Path truncated = write("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Safetensors.read(truncated));
    assertThat(e).hasMessageThat().contains(truncated.toString());
    assertThat(e).hasMessageThat().contains("'a'");

    Path badDtype = write("{\"b\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[1]);
    assertThat(assertThrows(IllegalArgumentException.class, () -> Safetensors.read(badDtype)))
        .hasMessageThat().contains("tensor 'b' has dtype I8");

    Path notJson = write("{not json", new byte[0]);
    assertThat(assertThrows(IllegalArgumentException.class, () -> Safetensors.read(notJson)))
        .hasMessageThat().contains("not valid JSON");

    Path tiny = dir.resolve("tiny.safetensors");
    Files.write(tiny, new byte[] {1, 2});
    assertThat(assertThrows(IllegalArgumentException.class, () -> Safetensors.read(tiny)))
        .hasMessageThat().contains("shorter than");

    Path twice = write("{\"_orig_mod.model.inner.c\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
        + "\"c\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[4,8]}}", new byte[8]);
    assertThat(assertThrows(IllegalArgumentException.class, () -> Safetensors.read(twice)))
        .hasMessageThat().contains("'c' appears twice");
  }

  @Test
  void checkNamesMissingUnexpectedAndMisshapenTensors() {
    List<ParamSpec> specs = List.of(
        new ParamSpec("a", new long[] {2}, ParamSpec.Kind.TRAINABLE, new ParamSpec.Constant(0)),
        new ParamSpec("b", new long[] {1}, ParamSpec.Kind.TRAINABLE, new ParamSpec.Constant(0)),
        new ParamSpec("c", new long[] {1}, ParamSpec.Kind.BUFFER, new ParamSpec.Constant(0)));
    Map<String, WeightTensor> w = Map.of(
        "a", new WeightTensor(new long[] {1, 2}, new float[2]),
        "c", new WeightTensor(new long[] {1}, new float[1]),
        "z", new WeightTensor(new long[] {1}, new float[1]));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ParamValues.check("ckpt.safetensors", specs, w));
    assertThat(e).hasMessageThat().contains("ckpt.safetensors");
    assertThat(e).hasMessageThat().contains("'a' has shape [1, 2], the model needs [2]");
    assertThat(e).hasMessageThat().contains("missing tensor 'b'");
    assertThat(e).hasMessageThat().contains("unexpected tensor 'z'");
    ParamValues.check("ok", specs.subList(2, 3), Map.of("c", new WeightTensor(new long[] {1}, new float[1])));
  }

  private Path write(String header, byte[] data) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(json.length).put(json).put(data);
    Path file = Files.createTempFile(dir, "t", ".safetensors");
    Files.write(file, buf.array());
    return file;
  }
}
