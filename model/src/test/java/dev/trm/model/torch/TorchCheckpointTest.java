package dev.trm.model.torch;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.model.ModelDims;
import dev.trm.model.ModelTensors;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.ArchConfig;
import dev.trm.model.config.DType;
import dev.trm.model.config.LossType;
import dev.trm.model.config.PosEncoding;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading the hand-made official-layout checkpoints of {@code torch/make_fixtures.py}: a torch.save zip archive
 * (prefixed keys, fp32 and bf16 storages, a shared storage, a transposed view) and a safetensors file (no prefix,
 * F32 and BF16) holding the same values.
 */
class TorchCheckpointTest {
  private static final Path PT = resource("torch/tiny.pt");
  private static final Path SAFETENSORS = resource("torch/tiny.safetensors");
  private static final ModelDims DIMS = new ModelDims(11, 6, 3);
  /** The architecture the fixtures were written for. */
  private static final ArchConfig ARCH = ArchConfig.newBuilder()
      .setHiddenSize(8).setNumHeads(2).setExpansion(4).setLLayers(2).setHCycles(2).setLCycles(2)
      .setPosEncodings(PosEncoding.ROPE).setRopeTheta(10000).setRmsNormEps(1e-5f).setPuzzleEmbNdim(8)
      .setPuzzleEmbLen(2).setMlpT(false).setForwardDtype(DType.FLOAT32).setHaltMaxSteps(4)
      .setHaltExplorationProb(0.1f).setNoActContinue(true).setLossType(LossType.STABLEMAX_CROSS_ENTROPY).build();

  @TempDir Path tmp;

  @Test
  void torchArchiveHoldsEveryOfficialKeyWithItsShape() {
    LinkedHashMap<String, WeightTensor> raw = TorchCheckpoint.read(PT);
    assertThat(raw).hasSize(15);
    assertThat(raw.keySet()).contains(ModelTensors.OFFICIAL_PREFIX + "L_level.layers.1.mlp.down_proj.weight");
    assertThat(raw.get(ModelTensors.OFFICIAL_PREFIX + "L_level.layers.0.mlp.gate_up_proj.weight").shape())
        .isEqualTo(new long[] {512, 8});
    assertThat(raw.get(ModelTensors.OFFICIAL_PREFIX + "q_head.bias").shape()).isEqualTo(new long[] {2});
  }

  @Test
  void torchAndSafetensorsFilesAgreeValueForValue() {
    Map<String, WeightTensor> pt = StateDicts.read(PT);
    Map<String, WeightTensor> st = StateDicts.read(SAFETENSORS);
    assertThat(pt.keySet()).containsExactlyElementsIn(st.keySet());
    // Covers the bf16 storages (H_init, L_init), the shared storage (q_head weight and bias at offset 16) and the
    // transposed view (layer 1 o_proj, stride [1, 8]).
    pt.forEach((name, w) -> assertThat(w).isEqualTo(st.get(name)));
  }

  @Test
  void valuesAreTheScriptsFormula() {
    // make_fixtures.py: tensor k (in its shapes() order), element i = ((7 i + 13 k) mod 61 - 30) / 64.
    Map<String, WeightTensor> pt = StateDicts.read(PT);
    float[] bias = pt.get("q_head.bias").data();
    assertThat(bias).usingExactEquality().containsExactly((float) ((0 + 39) % 61 - 30) / 64f,
        (float) ((7 + 39) % 61 - 30) / 64f).inOrder();
    float[] o1 = pt.get("L_level.layers.1.self_attn.o_proj.weight").data();
    int k = 12;
    assertThat(o1[9]).isEqualTo((float) ((9 * 7 + 13 * k) % 61 - 30) / 64f);
  }

  @Test
  void importedWeightsFitTheTinyConfig() {
    Map<String, WeightTensor> w = StateDicts.forModel("tiny.pt", StateDicts.read(PT), ARCH, DIMS);
    assertThat(w.keySet()).containsExactlyElementsIn(
        ModelTensors.specs(ARCH, DIMS).stream().map(s -> s.name()).toList()).inOrder();
  }

  @Test
  void dimsAreInferredExceptTheSequenceLength() {
    Map<String, WeightTensor> w = StateDicts.read(PT);
    assertThat(StateDicts.inferDims(PT, w, ARCH, 6)).isEqualTo(DIMS);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StateDicts.inferDims(PT, w, ARCH, 0));
    assertThat(e).hasMessageThat().contains("give --seq-len or --data DIR");
  }

  @Test
  void everyMissingUnexpectedOrMisshapenKeyIsNamed() {
    Map<String, WeightTensor> w = new LinkedHashMap<>(StateDicts.read(PT));
    w.remove("L_level.layers.1.mlp.down_proj.weight");
    w.put("L_level.layers.2.mlp.down_proj.weight", new WeightTensor(new long[] {1}, new float[1]));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StateDicts.forModel("tiny.pt", w, ARCH, new ModelDims(12, 6, 3)));
    assertThat(e).hasMessageThat().contains("missing tensor 'L_level.layers.1.mlp.down_proj.weight'");
    assertThat(e).hasMessageThat().contains("unexpected tensor 'L_level.layers.2.mlp.down_proj.weight'");
    assertThat(e).hasMessageThat().contains("tensor 'embed_tokens.embedding_weight' has shape [11, 8], the model "
        + "needs [12, 8]");
  }

  @Test
  void aTruncatedStorageIsRefusedWithItsName() throws IOException {
    Path bad = tmp.resolve("bad.pt");
    try (ZipFile in = new ZipFile(PT.toFile()); OutputStream f = Files.newOutputStream(bad);
        ZipOutputStream out = new ZipOutputStream(f)) {
      for (ZipEntry e : java.util.Collections.list(in.entries())) {
        out.putNextEntry(new ZipEntry(e.getName()));
        try (InputStream data = in.getInputStream(e)) {
          byte[] bytes = data.readAllBytes();
          out.write(bytes, 0, e.getName().equals("tiny/data/8") ? bytes.length / 2 : bytes.length);
        }
        out.closeEntry();
      }
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StateDicts.read(bad));
    assertThat(e).hasMessageThat().contains("storage tiny/data/8");
    assertThat(e).hasMessageThat().contains(bad.toString());
  }

  @Test
  void aCutArchiveIsRefusedWithTheFileName() throws IOException {
    Path cut = tmp.resolve("cut.pt");
    byte[] bytes = Files.readAllBytes(PT);
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StateDicts.read(cut));
    assertThat(e).hasMessageThat().startsWith(cut.toString());
  }

  @Test
  void legacyTorchFilesAreRecognised() throws IOException {
    Path legacy = tmp.resolve("legacy.pt");
    Files.write(legacy, new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StateDicts.read(legacy));
    assertThat(e).hasMessageThat().contains("legacy (pre-1.6, non-zip) torch.save file");
  }

  @Test
  void halfPrecisionWidensExactly() {
    assertThat(StorageDtype.halfToFloat((short) 0x3c00)).isEqualTo(1f);
    assertThat(StorageDtype.halfToFloat((short) 0xc000)).isEqualTo(-2f);
    assertThat(StorageDtype.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
    assertThat(StorageDtype.halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(StorageDtype.halfToFloat((short) 0x3555)).isWithin(1e-4f).of(1f / 3);
  }

  static Path resource(String name) {
    try {
      return Path.of(TorchCheckpointTest.class.getResource("/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
