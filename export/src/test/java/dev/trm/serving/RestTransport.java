package dev.trm.serving;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Collectors;

/** {@link LoadTransport} over TF Serving's REST API, with the JDK's HTTP client (keep-alive connections). */
final class RestTransport implements LoadTransport {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final int port;
  private final URI predict;
  private final String signature;
  private final int maxBodyBytes;

  /** {@code signature}: "" for serving_default; {@code maxBodyBytes}: the server's body limit (to exceed it). */
  RestTransport(int port, String model, String signature, int maxBodyBytes) {
    this.port = port;
    this.predict = predictUri(port, model);
    this.signature = signature;
    this.maxBodyBytes = maxBodyBytes;
  }

  private static URI predictUri(int port, String model) {
    return URI.create("http://127.0.0.1:" + port + "/v1/models/" + model + ":predict");
  }

  static String body(String signature, int[][] puzzles) {
    String rows = Arrays.stream(puzzles).map(Arrays::toString).collect(Collectors.joining(","));
    String ids = Arrays.stream(puzzles).map(p -> "0").collect(Collectors.joining(","));
    return "{" + (signature.isEmpty() ? "" : "\"signature_name\": \"" + signature + "\", ")
        + "\"inputs\": {\"inputs\": [" + rows + "], \"puzzle_identifiers\": [" + ids + "]}}";
  }

  @Override
  public Outcome predict(int[][] puzzles) {
    return send(predict, body(signature, puzzles).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public Outcome abuse(Abuse kind, long seed) {
    Random r = new Random(seed);
    URI target = predict;
    String text = switch (kind) {
      case DEEP_NESTING -> "[".repeat(1000 + r.nextInt(20_000));
      case TRUNCATED -> {
        String whole = body(signature, new int[][] {{1, 2, 3}});
        yield whole.substring(0, 1 + r.nextInt(whole.length() - 1));
      }
      case WRONG_TYPES -> "{\"inputs\": {\"inputs\": [[\"" + r.nextInt() + "\"]], \"puzzle_identifiers\": [true]}}";
      case WRONG_SHAPE -> body(signature, new int[2][1000 + r.nextInt(1000)]);
      case UNKNOWN_NAME -> {
        if (r.nextBoolean()) {
          target = predictUri(port, "no-such-model-" + r.nextInt(1000));
          yield body(signature, new int[][] {{1}});
        }
        yield body("no_such_signature_" + r.nextInt(1000), new int[][] {{1}});
      }
      case TOO_MANY_ROWS -> body(signature, new int[5000 + r.nextInt(1000)][1]);
      case OVERSIZED -> "[" + "1,".repeat(maxBodyBytes / 2 + r.nextInt(1000)) + "1]";
      case GARBAGE -> {
        byte[] b = new byte[1 + r.nextInt(2000)];
        r.nextBytes(b);
        yield new String(b, StandardCharsets.ISO_8859_1);
      }
    };
    return send(target, text.getBytes(StandardCharsets.ISO_8859_1));
  }

  private Outcome send(URI uri, byte[] body) {
    try {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
      int status = r.statusCode();
      return status == 200 ? Outcome.OK : status == 503 ? Outcome.OVERLOADED
          : status >= 400 && status < 500 ? Outcome.REFUSED : Outcome.FAILED;
    } catch (IOException e) {
      return Outcome.LOST;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.LOST;
    }
  }

  @Override
  public AutoCloseable stall(long intervalMs) {
    Thread t = new Thread(() -> {
      // Reconnects whenever the server cuts the connection off: the slow client never goes away by itself.
      while (!Thread.currentThread().isInterrupted()) {
        try (Socket s = new Socket("127.0.0.1", port)) {
          OutputStream out = s.getOutputStream();
          out.write(("POST " + predict.getPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          while (true) {
            out.write(' ');
            out.flush();
            Thread.sleep(intervalMs);
          }
        } catch (IOException cutOff) {
          // the server's read deadline: connect again
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "slow-client");
    t.setDaemon(true);
    t.start();
    return () -> {
      t.interrupt();
      t.join(10_000);
    };
  }
}
