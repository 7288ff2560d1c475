package dev.trm.tests;

import dev.trm.cli.Trm;
import dev.trm.datasets.DurableFiles;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code trm} for crash tests, run in a JVM of its own: appends every fsync to a {@link SyncLog} file and, if asked,
 * stops dead right after its n-th fsync (printing {@link #STOPPED}) so the test can kill it at exactly that moment.
 *
 * <p>Arguments: the sync log, n (0 = never stop), then the {@code trm} arguments.
 */
public final class CrashingTrm {
  static final String STOPPED = "CRASHING-TRM-STOPPED";

  private CrashingTrm() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    PrintStream log = new PrintStream(new FileOutputStream(args[0], true), true, StandardCharsets.UTF_8);
    long stopAt = Long.parseLong(args[1]);
    AtomicLong syncs = new AtomicLong();
    Object forever = new Object();
    DurableFiles.listen(path -> {
      log.println(SyncLog.describe(path));
      if (syncs.incrementAndGet() == stopAt) {
        System.out.println(STOPPED);
        System.out.flush();
        synchronized (forever) {
          while (true) {
            try {
              forever.wait();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }
      }
    });
    System.exit(Trm.run(Arrays.copyOfRange(args, 2, args.length)));
  }
}
