package dev.trm.serving;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Parses a request body into a JSON tree, or refuses it with INVALID_ARGUMENT and a message in TF Serving's form
 * ({@code JSON Parse error: <problem> at offset: <n>}) that names the problem in JSON terms only: whatever the bytes
 * (truncated, nested ten thousand deep, not UTF-8, trailing garbage), no parser class or Java text reaches the client.
 */
final class JsonBodies {
  private JsonBodies() {}

  static JsonNode parse(ObjectMapper json, byte[] body) {
    if (body.length == 0) {
      throw ServingException.invalidArgument("JSON Parse error: The document is empty");
    }
    try {
      JsonNode doc = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(body);
      if (doc == null || doc.isMissingNode()) {
        throw ServingException.invalidArgument("JSON Parse error: The document is empty");
      }
      return doc;
    } catch (StreamConstraintsException e) {
      throw ServingException.invalidArgument("JSON Parse error: nesting deeper than "
          + json.getFactory().streamReadConstraints().getMaxNestingDepth() + " levels (or a value over the "
          + "parser's size limits)" + offset(e));
    } catch (JsonProcessingException e) {
      throw ServingException.invalidArgument("JSON Parse error: " + problem(e) + offset(e));
    } catch (IOException e) {
      throw ServingException.invalidArgument("JSON Parse error: the body cannot be read as JSON");
    }
  }

  /** The parser's description of the problem, without its source excerpts and class names. */
  private static String problem(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    if (m == null || m.isBlank()) {
      return "invalid JSON";
    }
    for (String cut : new String[] {" (start marker at", "\n", " at [Source", " (for ", " (through reference"}) {
      int at = m.indexOf(cut);
      if (at > 0) {
        m = m.substring(0, at);
      }
    }
    return m.replaceAll("`[a-zA-Z_$.]*\\.[A-Za-z_$]+`", "").replaceAll("com\\.fasterxml\\.\\S*", "").trim();
  }

  private static String offset(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    return at == null || at.getByteOffset() < 0 ? "" : " at offset: " + at.getByteOffset();
  }
}
