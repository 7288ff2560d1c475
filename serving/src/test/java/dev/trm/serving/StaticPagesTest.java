package dev.trm.serving;

import static com.google.common.truth.Truth.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The page's files are served from the jar with their content types; any other path is left to the REST API. */
class StaticPagesTest {
  private static HttpServer server;

  @BeforeAll
  static void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    server.createContext("/", ex -> {
      try (ex) {
        if (!StaticPages.send(ex, ex.getRequestURI().getRawPath())) {
          ex.sendResponseHeaders(404, -1);  // where the REST API would answer
        }
      }
    });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesThePageAndItsFiles() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.body()).contains("/page/app.js");
    HttpResponse<String> script = get("/page/app.js");
    assertThat(script.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
    assertThat(script.body()).contains("signature_name: 'act_step'");
    assertThat(get("/page/style.css").statusCode()).isEqualTo(200);
  }

  @Test
  void leavesEveryOtherPathToTheRestApi() throws Exception {
    assertThat(get("/page/../pom.xml").statusCode()).isEqualTo(404);
    assertThat(get("/page/secret.txt").statusCode()).isEqualTo(404);
    assertThat(get("/v1/models/trm").statusCode()).isEqualTo(404);
  }
}
