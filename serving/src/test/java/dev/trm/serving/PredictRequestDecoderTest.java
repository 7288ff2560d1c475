package dev.trm.serving;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trm.serving.PredictRequestDecoder.Format;
import dev.trm.serving.PredictRequestDecoder.Request;
import dev.trm.serving.SignatureInfo.TensorSpec;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;

/** TF Serving's JSON rules for tensors, without a model: one float input "x" [-1, 2] and one bool input "b" [-1]. */
class PredictRequestDecoderTest {
  private static final SignatureInfo SIG = new SignatureInfo("serving_default", "tensorflow/serving/predict",
      Map.of("x", new TensorSpec("x", "x:0", DataType.DT_FLOAT, new long[] {-1, 2}),
          "b", new TensorSpec("b", "b:0", DataType.DT_BOOL, new long[] {-1})), Map.of());
  private static final SignatureInfo ONE = new SignatureInfo("one", "tensorflow/serving/predict",
      Map.of("n", new TensorSpec("n", "n:0", DataType.DT_INT64, new long[] {-1})), Map.of());

  private static Request decode(String json) throws Exception {
    JsonNode doc = RestApi.JSON.readTree(json);
    return PredictRequestDecoder.decode(doc, name -> name.equals("one") ? ONE : SIG);
  }

  private static String error(String json) {
    return assertThrows(ServingException.class, () -> decode(json)).getMessage();
  }

  @Test
  void rowAndColumnarFormatsGiveTheSameTensors() throws Exception {
    Request row = decode("{\"instances\": [{\"x\": [1, 2.5], \"b\": true}, {\"x\": [NaN, -Infinity], \"b\": false}]}");
    Request col = decode("{\"inputs\": {\"x\": [[1, 2.5], [NaN, -Infinity]], \"b\": [true, false]}}");
    assertThat(row.format()).isEqualTo(Format.ROW);
    assertThat(col.format()).isEqualTo(Format.COLUMNAR);
    assertThat(row.inputs()).isEqualTo(col.inputs());
    assertThat(row.inputs().get("x").shape()).isEqualTo(new long[] {2, 2});
    assertThat((float[]) row.inputs().get("x").values()).usingExactEquality()
        .containsExactly(1f, 2.5f, Float.NaN, Float.NEGATIVE_INFINITY).inOrder();
  }

  @Test
  void aSingleInputTakesBareValues() throws Exception {
    assertThat((long[]) decode("{\"signature_name\": \"one\", \"instances\": [5, 9007199254740993]}")
        .inputs().get("n").values()).isEqualTo(new long[] {5, 9007199254740993L});
    assertThat(decode("{\"signature_name\": \"one\", \"inputs\": [1, 2, 3]}").inputs().get("n").shape())
        .isEqualTo(new long[] {3});
  }

  @Test
  void numbersConvertOnlyWithoutLoss() {
    assertThat(error("{\"inputs\": {\"x\": [[16777217, 0]], \"b\": [true]}}"))
        .isEqualTo("Cannot convert JSON value: 16777217 to float without loss of precision.");
    assertThat(error("{\"inputs\": {\"x\": [[1e39, 0]], \"b\": [true]}}")).contains("without loss of precision");
    assertThat(error("{\"signature_name\": \"one\", \"inputs\": [1.5]}"))
        .isEqualTo("JSON Value: 1.5 Type: Number is not of expected type: int64");
    assertThat(error("{\"inputs\": {\"x\": [[1, 2]], \"b\": [1]}}"))
        .isEqualTo("JSON Value: 1 Type: Number is not of expected type: bool");
    assertThat(error("{\"inputs\": {\"x\": [[\"a\", 2]], \"b\": [true]}}"))
        .isEqualTo("JSON Value: \"a\" Type: String is not of expected type: float");
  }

  @Test
  void raggedAndMisnestedListsAreRefused() {
    assertThat(error("{\"inputs\": {\"x\": [[1, 2], [3]], \"b\": [true, true]}}"))
        .isEqualTo("Encountered list at unexpected size: 1 at level: 1 expected size: 2");
    assertThat(error("{\"inputs\": {\"x\": [[1, 2], 3], \"b\": [true, true]}}"))
        .isEqualTo("JSON Value: 3 found at incorrect level: 2 in the JSON DOM. Expected at level: 2");
    assertThat(error("{\"instances\": [{\"x\": [1, 2], \"b\": true}, {\"x\": [1, 2, 3], \"b\": true}]}"))
        .contains("Failed to process element: 1 key: x of 'instances' list. Error: Invalid argument: Expecting "
            + "tensor size: 2 but got: 3");
  }

  @Test
  void instanceKeysMustMatchTheSignature() {
    assertThat(error("{\"instances\": [{\"x\": [1, 2]}]}"))
        .contains("Failed to process element: 0 of 'instances' list. JSON object: {\"x\":[1,2]} keys must be equal "
            + "to: b,x");
    assertThat(error("{\"instances\": [{\"x\": [1, 2], \"b\": true, \"z\": 1}]}"))
        .contains("does not have named input: z");
    assertThat(error("{\"instances\": [{\"x\": [1, 2], \"b\": true}, [1]]}"))
        .isEqualTo("Expecting object but got list at item 1 of input list");
    assertThat(error("{\"inputs\": {\"x\": [[1, 2]], \"b\": [true], \"q\": 1}}"))
        .contains("input tensor alias not found in signature: q");
  }

  @Test
  void responsesMirrorTheRequestFormat() throws Exception {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    out.put("p", new HostTensor(DataType.DT_INT32, new long[] {2, 2}, new int[] {1, 2, 3, 4}));
    out.put("q", new HostTensor(DataType.DT_FLOAT, new long[] {2}, new float[] {0.5f, Float.NaN}));
    assertThat(write(out, Format.ROW)).isEqualTo("{\"predictions\":[{\"p\":[1,2],\"q\":0.5},{\"p\":[3,4],\"q\":NaN}]}");
    assertThat(write(out, Format.COLUMNAR)).isEqualTo("{\"outputs\":{\"p\":[[1,2],[3,4]],\"q\":[0.5,NaN]}}");
    Map<String, HostTensor> single = Map.of("p", out.get("p"));
    assertThat(write(single, Format.ROW)).isEqualTo("{\"predictions\":[[1,2],[3,4]]}");
    assertThat(write(single, Format.COLUMNAR)).isEqualTo("{\"outputs\":[[1,2],[3,4]]}");
    out.put("r", new HostTensor(DataType.DT_INT32, new long[] {3}, new int[] {1, 2, 3}));
    assertThat(assertThrows(ServingException.class, () -> PredictResponseEncoder.validate(out, Format.ROW)))
        .hasMessageThat().isEqualTo("Tensor name: r has inconsistent batch size: 3 expecting: 2");
  }

  private static String write(Map<String, HostTensor> out, Format format) throws Exception {
    PredictResponseEncoder.validate(out, format);
    StringWriter w = new StringWriter();
    try (JsonGenerator g = RestApi.JSON.createGenerator(w)) {
      PredictResponseEncoder.write(out, format, g);
    }
    return w.toString();
  }
}
