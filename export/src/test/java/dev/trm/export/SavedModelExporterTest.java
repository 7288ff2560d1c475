package dev.trm.export;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.serving.ServingConfigs;
import dev.trm.serving.config.BatchingParameters;
import dev.trm.serving.config.ModelConfig;
import dev.trm.model.config.ArchConfig;
import dev.trm.model.config.DType;
import dev.trm.model.config.PosEncoding;
import dev.trm.model.config.TrmConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;

/** The TF Serving layout, config files and the op set of exports. */
class SavedModelExporterTest {
  @TempDir static Path base;
  private static SavedModelExporter.Result first;

  @BeforeAll
  static void export() {
    first = TinyModel.export(base, "trm", 1, 1);
  }

  @Test
  void writesTheTfServingLayoutWithTagServe() throws Exception {
    Path v = base.resolve("trm/1");
    assertThat(first.versionDir()).isEqualTo(v);
    assertThat(Files.isRegularFile(v.resolve("saved_model.pb"))).isTrue();
    assertThat(Files.isRegularFile(v.resolve("variables/variables.index"))).isTrue();
    assertThat(Files.isRegularFile(v.resolve("variables/variables.data-00000-of-00001"))).isTrue();
    MetaGraphDef meta = SavedModel.parseFrom(Files.readAllBytes(v.resolve("saved_model.pb"))).getMetaGraphs(0);
    assertThat(meta.getMetaInfoDef().getTagsList()).containsExactly("serve");
    assertThat(meta.getSignatureDefMap().keySet()).containsExactly("serving_default", "fixed_steps", "act_step");
    meta.getSignatureDefMap().values()
        .forEach(s -> assertThat(s.getMethodName()).isEqualTo("tensorflow/serving/predict"));
    // No temporary directory is left behind.
    try (var files = Files.list(base.resolve("trm"))) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("1");
    }
  }

  @Test
  void writesAModelConfigFileAndBatchingParametersThatParse() {
    List<ModelConfig> models = ServingConfigs.readModelConfigFile(first.modelsConfig());
    assertThat(models).hasSize(1);
    assertThat(models.get(0).getName()).isEqualTo("trm");
    assertThat(models.get(0).getBasePath()).isEqualTo(base.resolve("trm").toAbsolutePath().toString());
    assertThat(models.get(0).getModelPlatform()).isEqualTo("tensorflow");
    BatchingParameters b = ServingConfigs.readBatchingParameters(first.batchingParameters());
    assertThat(b.getMaxBatchSize().getValue()).isEqualTo(64);
    assertThat(first.dockerCommand()).contains("tensorflow/serving --model_config_file=" + first.modelsConfig());
    assertThat(first.curlExample()).contains("/v1/models/trm:predict");
  }

  @Test
  void aSecondModelJoinsTheConfigAndAnExistingVersionIsNeverOverwritten() throws Exception {
    Path own = base.resolve("second");
    TinyModel.export(own, "a", 1, 2);
    SavedModelExporter.Result r = TinyModel.export(own, "b", 1, 3);
    assertThat(ServingConfigs.readModelConfigFile(r.modelsConfig()).stream().map(ModelConfig::getName).toList())
        .containsExactly("a", "b").inOrder();
    byte[] before = Files.readAllBytes(own.resolve("a/1/saved_model.pb"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TinyModel.export(own, "a", 1, 4));
    assertThat(e).hasMessageThat().contains("already exists: choose another --version (existing versions: 1)");
    assertThat(Files.readAllBytes(own.resolve("a/1/saved_model.pb"))).isEqualTo(before);
  }

  @Test
  void badNamesAndVersionsAreRefused() {
    assertThat(assertThrows(IllegalArgumentException.class, () -> TinyModel.export(base, "a/b", 1, 1)))
        .hasMessageThat().contains("model name 'a/b'");
    // Names that would leave the base directory, or be it.
    for (String name : new String[] {"..", "."}) {
      assertThat(assertThrows(IllegalArgumentException.class, () -> TinyModel.export(base, name, 1, 1)))
          .hasMessageThat().contains("model name '" + name + "'");
    }
    assertThat(assertThrows(IllegalArgumentException.class, () -> TinyModel.export(base, "x", 0, 1)))
        .hasMessageThat().contains("--version must be a positive integer");
  }

  /**
   * The exact op types of the tiny export: all in {@link SavedModelOps#STANDARD}, i.e. core TensorFlow ops that
   * tensorflow_model_server links. A new op type in the graph fails here until it is reviewed.
   */
  @Test
  void usesOnlyStandardOps() {
    Set<String> ops = first.opTypes();
    assertThat(SavedModelOps.STANDARD).containsAtLeastElementsIn(ops);
    assertThat(ops).containsAtLeast("VariableV2", "RestoreV2", "SaveV2", "Enter", "Exit", "LoopCond",
        "TensorScatterUpdate", "Where", "Assert", "Einsum", "Roll", "Unpack");
  }

  @Test
  void anOpOutsideTheAllowListIsCaught() {
    org.tensorflow.proto.GraphDef g = org.tensorflow.proto.GraphDef.newBuilder()
        .addNode(org.tensorflow.proto.NodeDef.newBuilder().setName("a").setOp("Const"))
        .addNode(org.tensorflow.proto.NodeDef.newBuilder().setName("b").setOp("SentencepieceOp")).build();
    assertThat(SavedModelOps.nonStandard(g)).containsExactly("SentencepieceOp");
  }

  /**
   * Every architecture variant (MLP mixer, learned or no positions, no puzzle prefix, bf16) stays standard, and the
   * op list of export/README.md is exactly the union (a test-computed list, so the README cannot drift).
   */
  @Test
  void everyVariantUsesOnlyStandardOpsAndTheReadmeListsThem() throws IOException {
    TrmConfig tiny = TinyModel.config();
    ArchConfig a = tiny.getArch();
    List<ArchConfig> variants = List.of(
        a.toBuilder().setMlpT(true).setPosEncodings(PosEncoding.NONE).build(),
        a.toBuilder().setPosEncodings(PosEncoding.LEARNED).setPuzzleEmbNdim(0).build(),
        a.toBuilder().setForwardDtype(DType.BFLOAT16).setNoActContinue(false).build());
    Set<String> seen = new TreeSet<>();
    for (int i = 0; i < variants.size(); i++) {
      TrmConfig c = tiny.toBuilder().setArch(variants.get(i)).build();
      SavedModelExporter.Result r = SavedModelExporter.export(c, TinyModel.DIMS,
          TinyModel.randomWeights(variants.get(i), TinyModel.DIMS, i), base.resolve("variants"), "v" + i, 1);
      seen.addAll(r.opTypes());
    }
    assertThat(SavedModelOps.STANDARD).containsAtLeastElementsIn(seen);
    seen.addAll(first.opTypes());
    String readme = Files.readString(Path.of("README.md"));
    Matcher listed = Pattern.compile("<!-- op-types -->(.*?)<!-- /op-types -->", Pattern.DOTALL).matcher(readme);
    assertWithMessage("export/README.md has no <!-- op-types -->...<!-- /op-types --> list").that(listed.find())
        .isTrue();
    assertWithMessage("export/README.md's op list; the exports use:\n%s", String.join(" ", seen))
        .that(new TreeSet<>(List.of(listed.group(1).strip().split("\\s+")))).isEqualTo(seen);
  }
}
