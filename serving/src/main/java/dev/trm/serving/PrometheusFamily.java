package dev.trm.serving;

import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * One Prometheus metric family (a counter, gauge or histogram with its label names) and its text exposition.
 * Written here rather than taken from the Prometheus Java client because that client appends {@code _total} to
 * every counter's name, and TF Serving's counters (e.g. {@code :tensorflow:serving:request_count}) have none: a
 * dashboard built for TF Serving would find nothing.
 */
final class PrometheusFamily {
  private enum Type { COUNTER, GAUGE, HISTOGRAM }

  /** The values of one label combination: a sum, or a histogram's buckets, sum and count. */
  static final class Cell {
    private final double[] bounds;
    private final LongAdder[] buckets;
    private final DoubleAdder sum = new DoubleAdder();
    private final LongAdder count = new LongAdder();

    private Cell(double[] bounds) {
      this.bounds = bounds;
      this.buckets = new LongAdder[bounds.length];
      Arrays.setAll(buckets, i -> new LongAdder());
    }

    /** Adds to a counter or gauge. */
    void add(double v) {
      sum.add(v);
    }

    /** Records one histogram observation. */
    void observe(double v) {
      int i = Arrays.binarySearch(bounds, v);
      int bucket = i >= 0 ? i : -i - 1;  // the first bound >= v ("le"); past the last: only +Inf
      if (bucket < buckets.length) {
        buckets[bucket].increment();
      }
      sum.add(v);
      count.increment();
    }
  }

  private final String name;
  private final String help;
  private final Type type;
  private final double[] bounds;
  private final String[] labelNames;
  private final Map<List<String>, Cell> cells = new ConcurrentSkipListMap<>(PrometheusFamily::compareLabels);

  private PrometheusFamily(String name, String help, Type type, double[] bounds, String... labelNames) {
    this.name = name;
    this.help = help;
    this.type = type;
    this.bounds = bounds;
    this.labelNames = labelNames.clone();
  }

  static PrometheusFamily counter(String name, String help, String... labelNames) {
    return new PrometheusFamily(name, help, Type.COUNTER, new double[0], labelNames);
  }

  static PrometheusFamily gauge(String name, String help, String... labelNames) {
    return new PrometheusFamily(name, help, Type.GAUGE, new double[0], labelNames);
  }

  /** {@code bounds}: the buckets' increasing upper bounds; +Inf is implied. */
  static PrometheusFamily histogram(String name, String help, double[] bounds, String... labelNames) {
    return new PrometheusFamily(name, help, Type.HISTOGRAM, bounds.clone(), labelNames);
  }

  /** The cell of these label values (in the order of the label names), created at first use. */
  Cell cell(String... labelValues) {
    if (labelValues.length != labelNames.length) {
      throw new IllegalArgumentException(name + " takes " + labelNames.length + " labels");
    }
    return cells.computeIfAbsent(List.of(labelValues), k -> new Cell(bounds));
  }

  void write(Writer out) throws IOException {
    out.write("# HELP " + name + " " + help.replace("\\", "\\\\").replace("\n", "\\n") + "\n");
    out.write("# TYPE " + name + " " + type.name().toLowerCase(java.util.Locale.ROOT) + "\n");
    for (Map.Entry<List<String>, Cell> e : cells.entrySet()) {
      String labels = labels(e.getKey());
      Cell c = e.getValue();
      if (type != Type.HISTOGRAM) {
        out.write(name + braces(labels) + " " + number(c.sum.sum()) + "\n");
        continue;
      }
      long cumulative = 0;
      for (int i = 0; i < bounds.length; i++) {
        cumulative += c.buckets[i].sum();
        out.write(name + "_bucket" + braces(join(labels, "le=\"" + number(bounds[i]) + "\"")) + " " + cumulative
            + "\n");
      }
      long count = c.count.sum();
      out.write(name + "_bucket" + braces(join(labels, "le=\"+Inf\"")) + " " + count + "\n");
      out.write(name + "_sum" + braces(labels) + " " + number(c.sum.sum()) + "\n");
      out.write(name + "_count" + braces(labels) + " " + count + "\n");
    }
  }

  private String labels(List<String> values) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < labelNames.length; i++) {
      String v = values.get(i).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
      b.append(i > 0 ? "," : "").append(labelNames[i]).append("=\"").append(v).append('"');
    }
    return b.toString();
  }

  private static String join(String a, String b) {
    return a.isEmpty() ? b : a + "," + b;
  }

  private static String braces(String labels) {
    return labels.isEmpty() ? "" : "{" + labels + "}";
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  private static int compareLabels(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }
}
