package dev.trm.cli;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM during training: the first one asks the trainer to stop after the step in progress and
 * write a checkpoint; a second one ends the process at once. The JVM's default reaction, an immediate exit, would lose
 * every step since the last checkpoint.
 */
final class GracefulStop implements BooleanSupplier, AutoCloseable {
  private static final String[] SIGNALS = {"INT", "TERM"};

  private final AtomicReference<String> received = new AtomicReference<>();
  private final SignalHandler[] previous = new SignalHandler[SIGNALS.length];

  /** Installs the handlers; {@link #close} restores the previous ones. */
  GracefulStop(PrintStream out) {
    for (int i = 0; i < SIGNALS.length; i++) {
      previous[i] = Signal.handle(new Signal(SIGNALS[i]), signal -> {
        if (!received.compareAndSet(null, "SIG" + signal.getName())) {
          Runtime.getRuntime().halt(exitCode(signal.getName()));
        }
        out.printf("%nSIG%s: stopping after this step and writing a checkpoint (send it again to quit at once)%n",
            signal.getName());
      });
    }
  }

  /** Whether a stop was asked for. */
  @Override
  public boolean getAsBoolean() {
    return received.get() != null;
  }

  /** The signal received, such as {@code SIGINT}, or null. */
  String signal() {
    return received.get();
  }

  /** The shell's convention for a process ended by the signal received: 128 + its number. */
  int exitCode() {
    return exitCode(received.get().substring(3));
  }

  private static int exitCode(String signalName) {
    return 128 + new Signal(signalName).getNumber();
  }

  @Override
  public void close() {
    for (int i = 0; i < SIGNALS.length; i++) {
      Signal.handle(new Signal(SIGNALS[i]), previous[i]);
    }
  }
}
