package dev.trm.tests;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/** What a {@code trm} command printed and returned, captured in process (and echoed to the test log). */
record Captured(int code, String out, String err) {
  static Captured capture(IntSupplier command) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = command.getAsInt();
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    String o = out.toString(StandardCharsets.UTF_8);
    String e = err.toString(StandardCharsets.UTF_8);
    oldOut.print(o);
    oldErr.print(e);
    return new Captured(code, o, e);
  }
}
