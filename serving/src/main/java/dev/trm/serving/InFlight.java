package dev.trm.serving;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Counts the exchanges in progress so that shutdown can wait for exactly those. (The JDK 17 server's own
 * {@code stop(delay)} waits the whole delay when nothing is in flight.) Once {@link #drain} has begun, a new
 * request is answered 503 at once instead of starting work the server will not finish.
 */
final class InFlight extends Filter {
  private int running;
  private boolean draining;

  @Override
  public void doFilter(HttpExchange ex, Chain chain) throws IOException {
    boolean admitted;
    synchronized (this) {
      admitted = !draining;
      if (admitted) {
        running++;
      }
    }
    if (!admitted) {
      refuse(ex);
      return;
    }
    try {
      chain.doFilter(ex);
    } finally {
      synchronized (this) {
        running--;
        notifyAll();
      }
    }
  }

  /** Tells a client that arrived after draining began that the server is going away. */
  private static void refuse(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = "{\"error\": \"server shutting down\"}".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(503, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Refuses new exchanges from now on and waits (at most {@code grace}) until those in progress have ended. */
  synchronized void drain(Duration grace) throws InterruptedException {
    draining = true;
    long end = System.nanoTime() + grace.toNanos();
    for (long left = grace.toMillis(); running > 0 && left > 0; left = (end - System.nanoTime()) / 1_000_000) {
      wait(left);
    }
  }

  @Override
  public String description() {
    return "counts the exchanges in progress";
  }
}
