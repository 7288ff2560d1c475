package dev.trm.tests;

import dev.trm.cli.Trm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One {@code trm} command run in this JVM with its stdout and stderr captured (and echoed to the test log).
 *
 * @param code the exit code
 */
record CapturedRun(int code, String out, String err) {

  static CapturedRun of(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Trm.run(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    String o = out.toString(StandardCharsets.UTF_8);
    String e = err.toString(StandardCharsets.UTF_8);
    oldOut.print(o);
    oldErr.print(e);
    return new CapturedRun(code, o, e);
  }
}
