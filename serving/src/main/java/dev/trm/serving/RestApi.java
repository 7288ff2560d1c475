package dev.trm.serving;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.trm.serving.ModelManager.VersionStatus;
import dev.trm.serving.PredictRequestDecoder.Request;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * TF Serving's REST API ({@code model_servers/http_rest_api_handler.cc}) over a {@link ModelManager}:
 * <ul>
 *   <li>{@code GET /v1/models/{name}[/versions/{v}|/labels/{l}]}: version status;
 *   <li>{@code GET /v1/models/{name}[/versions/{v}|/labels/{l}]/metadata}: signature defs;
 *   <li>{@code POST /v1/models/{name}[/versions/{v}|/labels/{l}]:predict}: row or columnar predict.
 * </ul>
 * Failures answer {@code {"error": "..."}} with the HTTP status of their TensorFlow code, as TF Serving does.
 */
final class RestApi implements HttpHandler {
  private static final Logger LOG = Logger.getLogger(RestApi.class.getName());
  /** The version or label part that may follow a model name. */
  private static final String SELECTOR = "(?:/versions/(\\d+)|/labels/([^/:]+))?";
  private static final Pattern PREDICT =
      Pattern.compile("(?i)/v1/models/([^/:]+)" + SELECTOR + ":(classify|regress|predict)");
  private static final Pattern STATUS = Pattern.compile("(?i)/v1/models(?:/([^/:]+))?" + SELECTOR + "(?:/(metadata))?");

  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)  // TF Serving parses NaN and Infinity
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)     // ... and writes them unquoted
      .build();

  private final ModelManager manager;
  private final Predictor predictor;
  private final int maxRequestBytes;
  private final ServingMetrics metrics;

  RestApi(Predictor predictor, int maxRequestBytes, ServingMetrics metrics) {
    this.manager = predictor.manager();
    this.predictor = predictor;
    this.maxRequestBytes = maxRequestBytes;
    this.metrics = metrics;
  }

  /** A parsed request line: which API, on which model, version or label. */
  private record Call(String api, String model, Long version, String label, String verb) {}

  @Override
  public void handle(HttpExchange ex) {
    long start = System.nanoTime();
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    Call call = null;
    String status = "OK";
    try (ex) {
      try {
        if (method.equals("GET") && StaticPages.send(ex, path)) {
          return;  // the page at "/" for trying a model in a browser
        }
        call = parse(method, path);
        execute(ex, call);
      } catch (ServingException e) {
        status = e.code().statusName();
        sendError(ex, e.code().httpStatus, e.getMessage());
      } catch (RuntimeException | Error e) {
        // A bug or an exhausted JVM: the client gets a plain 500, the log gets the details; the server goes on.
        LOG.log(Level.SEVERE, method + " " + path + " failed", e);
        ServingException internal = ServingException.internal();
        status = internal.code().statusName();
        sendError(ex, internal.code().httpStatus, internal.getMessage());
      }
    } catch (IOException e) {
      // The client went away mid-response (or its deadline closed the connection); nothing more to tell it.
      status = "CANCELLED";
      LOG.fine("response not delivered: " + e.getMessage());
    } finally {
      if (call != null) {
        metrics.record(call.model(), call.api(), ServingMetrics.Entrypoint.REST, status,
            (System.nanoTime() - start) / 1000);
      }
    }
  }

  private static Call parse(String method, String path) {
    Matcher m;
    if (method.equals("POST") && (m = PREDICT.matcher(path)).matches()) {
      String verb = m.group(4).toLowerCase(java.util.Locale.ROOT);
      String api = Character.toUpperCase(verb.charAt(0)) + verb.substring(1);
      return new Call(api, decode(m.group(1)), version(m.group(2)), m.group(3) == null ? null : decode(m.group(3)),
          verb);
    } else if (method.equals("GET") && (m = STATUS.matcher(path)).matches()) {
      if (m.group(1) == null) {
        throw ServingException.invalidArgument("Missing model name in request.");
      }
      return new Call(m.group(4) != null ? "GetModelMetadata" : "GetModelStatus", decode(m.group(1)),
          version(m.group(2)), m.group(3) == null ? null : decode(m.group(3)), m.group(4));
    }
    throw ServingException.invalidArgument("Malformed request: " + method + " " + path);
  }

  private void execute(HttpExchange ex, Call c) throws IOException {
    switch (c.api()) {
      case "Predict" -> predict(ex, c.model(), c.version(), c.label(), readBody(ex));
      case "GetModelMetadata" -> sendJson(ex, 200, metadata(c.model(), c.version(), c.label()));
      case "GetModelStatus" ->
          sendJson(ex, 200, status(c.model(), c.label() == null ? c.version() : labelled(c.model(), c.label())));
      default -> throw new ServingException(ServingException.Code.UNIMPLEMENTED, ":" + c.verb()
          + " needs a tensorflow/serving/" + c.verb() + " signature; these models have predict signatures only: "
          + "use :predict");
    }
  }

  private static Long version(String digits) {
    if (digits == null) {
      return null;
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw ServingException.invalidArgument("Failed to convert version: " + digits + " to numeric.");
    }
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ServingException.invalidArgument("Failed to decode model name:" + s);
    }
  }

  private Long labelled(String name, String label) {
    return predictor.labelledVersion(name, label);
  }

  private byte[] readBody(HttpExchange ex) throws IOException {
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    long length = declared != null && declared.matches("\\d{1,18}") ? Long.parseLong(declared) : -1;
    try (InputStream in = ex.getRequestBody()) {
      if (length > maxRequestBytes) {
        drain(in);
        throw tooLarge(length);
      }
      byte[] body = in.readNBytes(maxRequestBytes + 1);
      if (body.length > maxRequestBytes) {
        drain(in);
        throw tooLarge(-1);
      }
      return body;
    }
  }

  /**
   * Reads and drops what remains of a refused body (up to a bound), so that the client, still sending, receives the
   * error instead of a connection reset. Nothing is kept: memory stays bounded.
   */
  private void drain(InputStream in) throws IOException {
    long budget = 16L * maxRequestBytes;
    byte[] sink = new byte[8192];
    for (int n = 0; budget > 0 && n >= 0; budget -= n) {
      n = in.read(sink, 0, (int) Math.min(sink.length, budget));
    }
  }

  private ServingException tooLarge(long bytes) {
    return new ServingException(ServingException.Code.REQUEST_TOO_LARGE, "Request body"
        + (bytes >= 0 ? " of " + bytes + " bytes" : "") + " exceeds the limit of " + maxRequestBytes
        + " bytes (trm serve --max_request_bytes); send fewer instances per request");
  }

  private void predict(HttpExchange ex, String name, Long version, String label, byte[] body) throws IOException {
    JsonNode doc = JsonBodies.parse(JSON, body);
    Predictor.Prediction<Request> prediction =
        predictor.predict(name, version, label, servable -> PredictRequestDecoder.decode(doc, servable::signature));
    Map<String, HostTensor> outputs = prediction.outputs();
    Request request = prediction.call();
    PredictResponseEncoder.validate(outputs, request.format());
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(200, 0);
    try (OutputStream out = ex.getResponseBody(); JsonGenerator g = JSON.createGenerator(out)) {
      PredictResponseEncoder.write(outputs, request.format(), g);
    }
  }

  /** {@code GetModelStatusResponse} as TF Serving prints it (proto JSON, snake_case, int64 as strings). */
  private ObjectNode status(String name, Long version) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("model_version_status");
    for (VersionStatus s : manager.status(name, version)) {
      ObjectNode v = list.addObject();
      v.put("version", Long.toString(s.version()));
      v.put("state", s.state());
      ObjectNode st = v.putObject("status");
      st.put("error_code", s.errorCode());
      st.put("error_message", s.errorMessage());
    }
    return root;
  }

  /** {@code GetModelMetadataResponse}: the model spec and every signature def. */
  private ObjectNode metadata(String name, Long version, String label) {
    Servable s = manager.acquire(name, version, label);
    try {
      ObjectNode root = JSON.createObjectNode();
      ObjectNode spec = root.putObject("model_spec");
      spec.put("name", name);
      spec.put("signature_name", "");
      spec.put("version", Long.toString(s.version()));
      ObjectNode defs = root.putObject("metadata").putObject("signature_def").putObject("signature_def");
      new java.util.TreeMap<>(s.metaGraphDef().getSignatureDefMap())
          .forEach((key, def) -> defs.set(key, signatureJson(def)));
      return root;
    } finally {
      s.release();
    }
  }

  private static ObjectNode signatureJson(SignatureDef def) {
    ObjectNode o = JSON.createObjectNode();
    ObjectNode in = o.putObject("inputs");
    new java.util.TreeMap<>(def.getInputsMap()).forEach((k, v) -> in.set(k, tensorInfoJson(v)));
    ObjectNode out = o.putObject("outputs");
    new java.util.TreeMap<>(def.getOutputsMap()).forEach((k, v) -> out.set(k, tensorInfoJson(v)));
    o.put("method_name", def.getMethodName());
    o.putObject("defaults");
    return o;
  }

  private static ObjectNode tensorInfoJson(TensorInfo info) {
    ObjectNode o = JSON.createObjectNode();
    o.put("name", info.getName());
    o.put("dtype", info.getDtype().name());
    ObjectNode shape = o.putObject("tensor_shape");
    ArrayNode dims = shape.putArray("dim");
    for (TensorShapeProto.Dim d : info.getTensorShape().getDimList()) {
      dims.addObject().put("size", Long.toString(d.getSize())).put("name", d.getName());
    }
    shape.put("unknown_rank", info.getTensorShape().getUnknownRank());
    return o;
  }

  private static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sendError(HttpExchange ex, int status, String message) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", message == null ? "unknown error" : message);
    sendJson(ex, status, body);
  }
}
