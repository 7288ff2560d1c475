package dev.trm.export;

import dev.trm.serving.HostTensor;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.tensorflow.proto.DataType;

/**
 * Runs {@code src/test/standalone/ReloadMain.java} in a separate JVM whose class path holds only TensorFlow Java
 * (its own jars and their dependencies: javacpp, protobuf): no project class can be reached, so the SavedModel
 * must stand on its own.
 */
final class StandaloneReload {
  /** What the other JVM printed and computed. */
  record Outcome(List<String> stdout, Map<String, Map<String, HostTensor>> outputs) {}

  private StandaloneReload() {}

  /** The TensorFlow jars of this JVM's test class path. */
  static List<String> tensorFlowJars() {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> jars = Arrays.stream(cp.split(File.pathSeparator))
        .filter(p -> p.contains("/org/tensorflow/") || p.contains("/org/bytedeco/")
            || p.contains("/com/google/protobuf/"))
        .toList();
    if (jars.stream().noneMatch(j -> j.contains("tensorflow-core-api"))) {
      throw new IllegalStateException("no tensorflow-core-api jar on the class path " + cp);
    }
    return jars;
  }

  /** Calls the signatures of {@code requests} (signature -> alias -> tensor) on {@code savedModel} in a new JVM. */
  static Outcome run(Path savedModel, Map<String, Map<String, HostTensor>> requests, Path work) {
    try {
      String cp = String.join(File.pathSeparator, tensorFlowJars());
      Path classes = Files.createDirectories(work.resolve("standalone-classes"));
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      Path source = Path.of(System.getProperty("trm.repo", "..")).resolve("export/src/test/standalone/ReloadMain.java");
      if (!Files.exists(source)) {
        source = Path.of("src/test/standalone/ReloadMain.java");
      }
      int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", cp, source.toString());
      if (rc != 0) {
        throw new IllegalStateException("javac failed on " + source);
      }
      Path in = work.resolve("requests.tsv");
      Path out = work.resolve("responses.tsv");
      List<String> lines = new ArrayList<>();
      requests.forEach((sig, tensors) -> tensors.forEach((alias, t) -> lines.add(sig + "\t" + alias + "\t"
          + line(t))));
      Files.write(in, lines, StandardCharsets.UTF_8);
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(java, "-cp", classes + File.pathSeparator + cp, "ReloadMain",
          savedModel.toString(), in.toString(), out.toString()).redirectErrorStream(true).start();
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("the standalone JVM failed:\n" + log);
      }
      Map<String, Map<String, HostTensor>> outputs = new LinkedHashMap<>();
      for (String l : Files.readAllLines(out, StandardCharsets.UTF_8)) {
        String[] f = l.split("\t", -1);
        outputs.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).put(f[1], parse(f[2], f[3], f[4]));
      }
      return new Outcome(log.lines().toList(), outputs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String line(HostTensor t) {
    String dims = Arrays.stream(t.shape()).mapToObj(Long::toString).collect(Collectors.joining(","));
    String values = switch (t.dtype()) {
      case DT_INT32 -> Arrays.stream((int[]) t.values()).mapToObj(Integer::toString).collect(Collectors.joining(" "));
      case DT_FLOAT -> {
        float[] v = (float[]) t.values();
        yield java.util.stream.IntStream.range(0, v.length).mapToObj(i -> Float.toString(v[i]))
            .collect(Collectors.joining(" "));
      }
      case DT_BOOL -> {
        boolean[] v = (boolean[]) t.values();
        yield java.util.stream.IntStream.range(0, v.length).mapToObj(i -> Boolean.toString(v[i]))
            .collect(Collectors.joining(" "));
      }
      default -> throw new IllegalArgumentException(t.dtype().name());
    };
    String dtype = t.dtype() == DataType.DT_INT32 ? "int32" : t.dtype() == DataType.DT_FLOAT ? "float" : "bool";
    return dtype + "\t" + dims + "\t" + values;
  }

  private static HostTensor parse(String dtype, String dims, String values) {
    long[] shape = dims.isEmpty() ? new long[0] : Arrays.stream(dims.split(",")).mapToLong(Long::parseLong).toArray();
    String[] v = values.isEmpty() ? new String[0] : values.split(" ");
    return switch (dtype) {
      case "int32" -> new HostTensor(DataType.DT_INT32, shape, Arrays.stream(v).mapToInt(Integer::parseInt).toArray());
      case "float" -> {
        float[] a = new float[v.length];
        for (int i = 0; i < a.length; i++) {
          a[i] = Float.parseFloat(v[i]);
        }
        yield new HostTensor(DataType.DT_FLOAT, shape, a);
      }
      default -> {
        boolean[] a = new boolean[v.length];
        for (int i = 0; i < a.length; i++) {
          a[i] = Boolean.parseBoolean(v[i]);
        }
        yield new HostTensor(DataType.DT_BOOL, shape, a);
      }
    };
  }
}
