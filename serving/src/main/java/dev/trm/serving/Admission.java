package dev.trm.serving;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Back-pressure for model work: at most {@code running} requests parse and run at once, at most {@code waiting}
 * more wait for a turn, and any request beyond those is refused at once with UNAVAILABLE (HTTP 503, a JSON body)
 * rather than left to pile up. Connection handling (reading a request, writing an answer) happens outside, so a
 * slow client never holds a turn; and since parsing happens inside, memory stays bounded by {@code running} bodies.
 */
final class Admission {
  /** A turn to run; closing it gives it back. */
  interface Turn extends AutoCloseable {
    @Override
    void close();
  }

  private final Semaphore turns;
  private final int maxWaiting;
  private final AtomicInteger waiting = new AtomicInteger();

  Admission(int running, int maxWaiting) {
    this.turns = new Semaphore(running, true);
    this.maxWaiting = maxWaiting;
  }

  /**
   * Waits for a turn (at most {@code timeoutMs}, 0 = no bound) and returns what gives it back; refuses with
   * UNAVAILABLE when too many already wait and with DEADLINE_EXCEEDED when the wait runs out.
   */
  Turn enter(long timeoutMs) {
    if (waiting.incrementAndGet() > maxWaiting) {
      waiting.decrementAndGet();
      throw new ServingException(ServingException.Code.UNAVAILABLE, "Server overloaded: " + maxWaiting
          + " requests are already waiting for a turn; retry later");
    }
    try {
      boolean got = timeoutMs > 0 ? turns.tryAcquire(timeoutMs, TimeUnit.MILLISECONDS) : acquire();
      if (!got) {
        throw new ServingException(ServingException.Code.DEADLINE_EXCEEDED,
            "Deadline exceeded: no turn to run within " + timeoutMs + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServingException(ServingException.Code.UNAVAILABLE, "server shutting down");
    } finally {
      waiting.decrementAndGet();
    }
    return turns::release;
  }

  private boolean acquire() throws InterruptedException {
    turns.acquire();
    return true;
  }
}
