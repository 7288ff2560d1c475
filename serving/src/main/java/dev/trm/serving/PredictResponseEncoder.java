package dev.trm.serving;

import static dev.trm.serving.ServingException.invalidArgument;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.trm.serving.PredictRequestDecoder.Format;
import java.io.IOException;
import java.util.Map;

/**
 * Writes predict outputs in the layout of the request, as TF Serving does: the row format answers
 * {@code {"predictions": [...]}} with one entry per example (an object keyed by output when there are several
 * outputs), the columnar format {@code {"outputs": ...}} (an object keyed by output, or the bare tensor when there is
 * one). Floats are written as JSON numbers, NaN and infinities unquoted.
 */
final class PredictResponseEncoder {
  private PredictResponseEncoder() {}

  /** Throws INVALID_ARGUMENT if the outputs cannot be written in {@code format} (checked before any byte is sent). */
  static void validate(Map<String, HostTensor> outputs, Format format) {
    if (outputs.isEmpty()) {
      throw invalidArgument("Cannot convert empty tensor map to JSON");
    }
    if (format != Format.ROW) {
      return;
    }
    long batch = -1;
    for (Map.Entry<String, HostTensor> e : outputs.entrySet()) {
      long[] shape = e.getValue().shape();
      if (shape.length == 0) {
        throw invalidArgument("Tensor name: " + e.getKey() + " has no shape information ");
      }
      if (batch >= 0 && shape[0] != batch) {
        throw invalidArgument("Tensor name: " + e.getKey() + " has inconsistent batch size: " + shape[0]
            + " expecting: " + batch);
      }
      batch = shape[0];
    }
  }

  static void write(Map<String, HostTensor> outputs, Format format, JsonGenerator g) throws IOException {
    boolean named = outputs.size() > 1;
    g.writeStartObject();
    if (format == Format.ROW) {
      g.writeFieldName("predictions");
      g.writeStartArray();
      long batch = outputs.values().iterator().next().shape()[0];
      for (int row = 0; row < batch; row++) {
        if (named) {
          g.writeStartObject();
        }
        for (Map.Entry<String, HostTensor> e : outputs.entrySet()) {
          if (named) {
            g.writeFieldName(e.getKey());
          }
          HostTensor t = e.getValue();
          writeNested(t, 1, row * t.rowSize(), g);
        }
        if (named) {
          g.writeEndObject();
        }
      }
      g.writeEndArray();
    } else {
      g.writeFieldName("outputs");
      if (named) {
        g.writeStartObject();
      }
      for (Map.Entry<String, HostTensor> e : outputs.entrySet()) {
        if (named) {
          g.writeFieldName(e.getKey());
        }
        writeNested(e.getValue(), 0, 0, g);
      }
      if (named) {
        g.writeEndObject();
      }
    }
    g.writeEndObject();
  }

  /** Writes dimensions [dim, rank) of {@code t} starting at element {@code offset}; returns the next offset. */
  private static int writeNested(HostTensor t, int dim, int offset, JsonGenerator g) throws IOException {
    long[] shape = t.shape();
    if (dim == shape.length) {
      writeScalar(t, offset, g);
      return offset + 1;
    }
    g.writeStartArray();
    for (long i = 0; i < shape[dim]; i++) {
      offset = writeNested(t, dim + 1, offset, g);
    }
    g.writeEndArray();
    return offset;
  }

  private static void writeScalar(HostTensor t, int i, JsonGenerator g) throws IOException {
    switch (t.dtype()) {
      case DT_INT32 -> g.writeNumber(((int[]) t.values())[i]);
      case DT_INT64 -> g.writeNumber(((long[]) t.values())[i]);
      case DT_FLOAT -> g.writeNumber(((float[]) t.values())[i]);
      case DT_DOUBLE -> g.writeNumber(((double[]) t.values())[i]);
      case DT_BOOL -> g.writeBoolean(((boolean[]) t.values())[i]);
      default -> throw new IllegalStateException(t.dtype().name());
    }
  }
}
