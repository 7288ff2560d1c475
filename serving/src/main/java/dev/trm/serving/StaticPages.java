package dev.trm.serving;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * The page at {@code /} for trying a served model in a browser: static HTML, JavaScript and CSS from the jar (no build
 * step), which call the REST API itself ({@code metadata}, {@code :predict} with {@code serving_default} and
 * {@code act_step}). Only the files listed here are served.
 */
final class StaticPages {
  private static final String ROOT = "page/";
  private static final Map<String, String[]> FILES = Map.of(
      "/", new String[] {"index.html", "text/html; charset=utf-8"},
      "/page/app.js", new String[] {"app.js", "text/javascript; charset=utf-8"},
      "/page/style.css", new String[] {"style.css", "text/css; charset=utf-8"});

  private StaticPages() {}

  /** Sends the file at {@code path} and returns true, or returns false if {@code path} is not one of the page's. */
  static boolean send(HttpExchange ex, String path) throws IOException {
    String[] file = FILES.get(path);
    if (file == null) {
      return false;
    }
    byte[] body;
    try (InputStream in = StaticPages.class.getResourceAsStream(ROOT + file[0])) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + ROOT + file[0]);
      }
      body = in.readAllBytes();
    }
    ex.getResponseHeaders().set("Content-Type", file[1]);
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    ex.sendResponseHeaders(200, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
    return true;
  }
}
