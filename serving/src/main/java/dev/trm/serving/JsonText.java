package dev.trm.serving;

import com.fasterxml.jackson.databind.JsonNode;

/** How error messages quote JSON values: compact text (cut short: a request can hold megabytes) and type names. */
final class JsonText {
  private static final int MAX_CHARS = 200;

  private JsonText() {}

  static String of(JsonNode v) {
    String s = v.toString();
    return s.length() <= MAX_CHARS ? s : s.substring(0, MAX_CHARS) + "...(" + s.length() + " chars)";
  }

  /** RapidJSON's type names, which TF Serving's messages use. */
  static String typeName(JsonNode v) {
    if (v.isNull()) {
      return "Null";
    }
    if (v.isBoolean()) {
      return v.booleanValue() ? "True" : "False";
    }
    if (v.isObject()) {
      return "Object";
    }
    if (v.isArray()) {
      return "Array";
    }
    return v.isTextual() ? "String" : "Number";
  }
}
