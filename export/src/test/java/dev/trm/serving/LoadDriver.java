package dev.trm.serving;

import dev.trm.serving.LoadTransport.Abuse;
import dev.trm.serving.LoadTransport.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Drives a server through a {@link LoadTransport}: closed-loop clients, abuse, slow clients; counts and times all. */
final class LoadDriver {
  private LoadDriver() {}

  /** What a run saw: requests, wall time, latency percentiles of every request, and how each ended. */
  record Figures(long requests, double seconds, double p50Ms, double p99Ms, Map<Outcome, Long> outcomes) {
    double perSecond() {
      return requests / seconds;
    }

    long count(Outcome o) {
      return outcomes.getOrDefault(o, 0L);
    }

    @Override
    public String toString() {
      return String.format("%d requests in %.1f s = %.1f/s, p50 %.1f ms, p99 %.1f ms, %s", requests, seconds,
          perSecond(), p50Ms, p99Ms, outcomes);
    }
  }

  /**
   * {@code clients} threads, each sending its next request as soon as the last is answered, for {@code duration};
   * client {@code c}'s i-th request is {@code puzzles.apply(c * 1_000_003 + i)}.
   */
  static Figures closedLoop(LoadTransport t, int clients, Duration duration, IntFunction<int[][]> puzzles)
      throws Exception {
    long end = System.nanoTime() + duration.toNanos();
    return run(clients, c -> {
      List<long[]> seen = new ArrayList<>();
      for (int i = 0; System.nanoTime() < end; i++) {
        int[][] request = puzzles.apply(c * 1_000_003 + i);
        long start = System.nanoTime();
        Outcome o = t.predict(request);
        seen.add(new long[] {System.nanoTime() - start, o.ordinal()});
      }
      return seen;
    });
  }

  /** {@code total} abusive requests, the kinds in turn, from {@code clients} threads. */
  static Figures abuse(LoadTransport t, int clients, int total) throws Exception {
    Abuse[] kinds = Abuse.values();
    return run(clients, c -> {
      List<long[]> seen = new ArrayList<>();
      for (int i = c; i < total; i += clients) {
        long start = System.nanoTime();
        Outcome o = t.abuse(kinds[i % kinds.length], i);
        seen.add(new long[] {System.nanoTime() - start, o.ordinal()});
      }
      return seen;
    });
  }

  /** One client's work: a list of {latency ns, outcome ordinal}. */
  private interface Client {
    List<long[]> run(int client) throws Exception;
  }

  private static Figures run(int clients, Client client) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    try {
      List<Future<List<long[]>>> futures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int id = c;
        futures.add(pool.submit(() -> client.run(id)));
      }
      List<long[]> all = new ArrayList<>();
      for (Future<List<long[]>> f : futures) {
        all.addAll(f.get(30, TimeUnit.MINUTES));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long[] latencies = all.stream().mapToLong(r -> r[0]).sorted().toArray();
      Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
      all.forEach(r -> outcomes.merge(Outcome.values()[(int) r[1]], 1L, Long::sum));
      return new Figures(all.size(), seconds, percentile(latencies, 0.50), percentile(latencies, 0.99), outcomes);
    } finally {
      pool.shutdownNow();
    }
  }

  private static double percentile(long[] sorted, double q) {
    return sorted.length == 0 ? Double.NaN
        : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }

  /** Opens {@code n} slow clients; closing the result lets all go. */
  static AutoCloseable stallMany(LoadTransport t, int n, long intervalMs) {
    List<AutoCloseable> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(t.stall(intervalMs));
    }
    return () -> {
      for (AutoCloseable c : all) {
        c.close();
      }
    };
  }

  /** This process's resident memory now and at its peak, in MiB (Linux /proc). */
  static long[] residentMiB() throws IOException {
    long now = -1;
    long peak = -1;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      String[] f = line.trim().split("\\s+");
      if (f[0].equals("VmRSS:")) {
        now = Long.parseLong(f[1]) / 1024;
      } else if (f[0].equals("VmHWM:")) {
        peak = Long.parseLong(f[1]) / 1024;
      }
    }
    return new long[] {now, peak};
  }

  /** Deterministic valid puzzles: {@code rows} rows of {@code seqLen} tokens in [1, vocab). */
  static int[][] puzzles(int seed, int rows, int seqLen, int vocab) {
    java.util.Random r = new java.util.Random(seed);
    int[][] out = new int[rows][seqLen];
    for (int[] row : out) {
      Arrays.setAll(row, j -> 1 + r.nextInt(vocab - 1));
    }
    return out;
  }
}
