package dev.trm.tests;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.tensorflow.TensorFlow;

/**
 * A C program built with the system C compiler ({@code cc}) against the TensorFlow C library that TF Java itself runs
 * on: {@code libtensorflow_cc.so.2} (which exports TensorFlow's C API) and {@code libtensorflow_framework.so.2} from
 * TF Java's native jar, as this JVM loaded them. Nothing else is needed: no TensorFlow install, no headers (the
 * program declares the C API functions it calls itself).
 */
final class TensorFlowCProgram {
  private static final Duration COMPILE_TIMEOUT = Duration.ofMinutes(5);

  /** What a run of the program printed and returned. */
  record Result(int exitCode, String stdout, String stderr) {}

  private final Path binary;

  private TensorFlowCProgram(Path binary) {
    this.binary = binary;
  }

  /** Why no program can be built here (no C compiler, no TensorFlow C library), or empty if one can. */
  static Optional<String> unavailable() {
    if (onPath("cc").isEmpty()) {
      return Optional.of("no C compiler: 'cc' is not on PATH (install gcc or clang)");
    }
    if (libraryDirectory().isEmpty()) {
      return Optional.of("TF Java's native libtensorflow_cc.so.2 is not mapped into this JVM (" + System.getProperty(
          "os.name") + " " + System.getProperty("os.arch") + ": only Linux is checked)");
    }
    return Optional.empty();
  }

  /** Compiles {@code source} (and the headers beside it) into {@code binary}; fails with the compiler's output. */
  static TensorFlowCProgram compile(Path source, Path binary) {
    Path lib = libraryDirectory().orElseThrow(() -> new IllegalStateException(unavailable().orElseThrow()));
    List<String> command = new ArrayList<>(List.of("cc", "-std=c11", "-O2", "-Wall", "-Wextra",
        "-I" + source.getParent(), "-o", binary.toString(), source.toString(),
        "-L" + lib, "-l:libtensorflow_cc.so.2", "-l:libtensorflow_framework.so.2", "-Wl,-rpath," + lib));
    // GNU ld reads the 600 MB library's symbol tables several times slower than gold does.
    if (onPath("ld.gold").isPresent()) {
      command.add("-fuse-ld=gold");
    }
    try {
      Files.createDirectories(binary.getParent());
      Result r = execute(command, null, COMPILE_TIMEOUT);
      if (r.exitCode() != 0) {
        throw new IllegalStateException("cc failed on " + source + ":\n" + r.stdout() + r.stderr());
      }
      return new TensorFlowCProgram(binary);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the program with {@code args} and {@code stdin} as its standard input, for at most {@code timeout}. */
  Result run(Path stdin, Duration timeout, String... args) {
    List<String> command = new ArrayList<>(List.of(binary.toString()));
    command.addAll(Arrays.asList(args));
    try {
      return execute(command, stdin, timeout);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Result execute(List<String> command, Path stdin, Duration timeout) throws IOException {
    Path out = Files.createTempFile("tf-c-program", ".out");
    Path err = Files.createTempFile("tf-c-program", ".err");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "1");
      if (stdin != null) {
        builder.redirectInput(stdin.toFile());
      }
      Process p = builder.start();
      try {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException(command.get(0) + " did not finish within " + timeout);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static Optional<Path> onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, program))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** The directory of the TensorFlow libraries TF Java loaded into this JVM, read from the process's memory map. */
  private static Optional<Path> libraryDirectory() {
    TensorFlow.version(); // loads the native libraries if nothing has yet
    Path maps = Path.of("/proc/self/maps");
    if (!Files.isReadable(maps)) {
      return Optional.empty();
    }
    try (Stream<String> lines = Files.lines(maps)) {
      // address, permissions, offset, device, inode, path (which may hold spaces)
      return lines.map(l -> l.trim().split("\\s+", 6))
          .filter(f -> f.length == 6 && f[5].endsWith("/libtensorflow_cc.so.2"))
          .map(f -> f[5])
          .map(f -> Path.of(f).getParent())
          .filter(d -> Files.exists(d.resolve("libtensorflow_framework.so.2")))
          .findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
