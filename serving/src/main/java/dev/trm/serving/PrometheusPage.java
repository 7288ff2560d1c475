package dev.trm.serving;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/** {@code GET <prometheus_config.path>}: the server's {@link ServingMetrics} in Prometheus text format. */
final class PrometheusPage implements HttpHandler {
  private final ServingMetrics metrics;
  private final ModelManager manager;

  PrometheusPage(ServingMetrics metrics, ModelManager manager) {
    this.metrics = metrics;
    this.manager = manager;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("GET")) {
        ex.getResponseHeaders().set("Allow", "GET");
        ex.sendResponseHeaders(405, -1);
        return;
      }
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      try (Writer w = new OutputStreamWriter(text, StandardCharsets.UTF_8)) {
        metrics.write(w, manager.availableVersions());
      }
      ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      ex.sendResponseHeaders(200, text.size());
      try (OutputStream out = ex.getResponseBody()) {
        text.writeTo(out);
      }
    }
  }
}
