package dev.trm.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one {@code trm bench} run measured: throughput, its FLOP rate against the matmul peak measured in the same
 * run, graph build time and peak memory.
 *
 * @param config the config's name
 * @param forwardDtype the matmul precision ({@code FLOAT32} or {@code BFLOAT16})
 * @param batch examples per step
 * @param mode {@code train} or {@code infer}
 * @param examplesPerS examples (puzzles) per second: batch / median step time
 * @param gflopPerExample analytic GFLOP per example ({@link FlopCounter})
 * @param peakGflopsPerS the fp32 matmul peak measured in this run ({@link MatmulPeak})
 * @param ceilingGflopsPerS the step's own weight products timed alone, in its forward dtype ({@link MatmulCeiling})
 * @param graphBuildS seconds to build the graph (Java op construction, before the first run)
 * @param peakRssBytes peak resident memory of the process ({@link PeakMemory})
 * @param savedModel infer mode: the same 16 ACT steps through the exported SavedModel; null in train mode
 * @param loadAverage the 1-minute load average when the run ended (the machine is shared)
 * @param stealFraction the share of CPU time the hypervisor gave to other guests while the bench ran
 *     ({@link CpuTimes}); above a few percent the numbers measure a neighbour as much as the code
 * @param cpu the machine ({@link CpuModel})
 * @param replicas devices the training step was replicated over (1 for inference)
 * @param exchangedBytesPerStep bytes that cross between devices in one step (from the graph's edges between
 *     devices)
 */
public record BenchResult(
    String config, String forwardDtype, int batch, String mode, double examplesPerS, double gflopPerExample,
    double peakGflopsPerS, double ceilingGflopsPerS, double graphBuildS, long peakRssBytes,
    SavedModelThroughput savedModel, double loadAverage, double stealFraction, String cpu, int replicas,
    long exchangedBytesPerStep) {

  /**
   * Inference through a SavedModel.
   *
   * @param examplesPerS examples per second
   * @param loadS seconds to load the bundle
   * @param peakRssBytes peak resident memory while the bundle was loaded and run
   */
  public record SavedModelThroughput(double examplesPerS, double loadS, long peakRssBytes) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Achieved GFLOP/s: examples/s times GFLOP per example. */
  public double gflopsPerS() {
    return examplesPerS * gflopPerExample;
  }

  /** Achieved GFLOP/s as a fraction of the measured peak. */
  public double fractionOfPeak() {
    return gflopsPerS() / peakGflopsPerS;
  }

  /** One JSON object: throughput, FLOPs and peak first, then the fraction, the load and (infer) the SavedModel figures. */
  public String toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("examples_per_s", examplesPerS);
    json.put("gflop_per_example", gflopPerExample);
    json.put("gflops_per_s", gflopsPerS());
    json.put("peak_gflops_per_s", peakGflopsPerS);
    json.put("fraction_of_peak", fractionOfPeak());
    json.put("matmul_ceiling_gflops_per_s", ceilingGflopsPerS);
    json.put("fraction_of_ceiling", gflopsPerS() / ceilingGflopsPerS);
    json.put("graph_build_s", graphBuildS);
    json.put("peak_rss_bytes", peakRssBytes);
    json.put("config", config);
    json.put("forward_dtype", forwardDtype);
    json.put("batch", batch);
    json.put("mode", mode);
    json.put("load_average", loadAverage);
    json.put("steal_fraction", stealFraction);
    json.put("cpu", cpu);
    json.put("replicas", replicas);
    json.put("exchanged_bytes_per_step", exchangedBytesPerStep);
    if (savedModel != null) {
      Map<String, Object> saved = new LinkedHashMap<>();
      saved.put("examples_per_s", savedModel.examplesPerS());
      saved.put("gflops_per_s", savedModel.examplesPerS() * gflopPerExample);
      saved.put("fraction_of_peak", savedModel.examplesPerS() * gflopPerExample / peakGflopsPerS);
      saved.put("load_s", savedModel.loadS());
      saved.put("peak_rss_bytes", savedModel.peakRssBytes());
      json.put("saved_model", saved);
    }
    try {
      return JSON.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write bench result as JSON", e);
    }
  }

  /** A few aligned lines for a human. */
  public String toText() {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "config %s (%s), batch %d, mode %s (load average %.2f, %.1f%% of CPU time"
        + " stolen)%n", config, forwardDtype, batch, mode, loadAverage, 100 * stealFraction));
    out.append("  cpu                ").append(cpu).append('\n');
    out.append(line("in-process", examplesPerS));
    if (replicas > 1) {
      out.append(String.format(Locale.ROOT, "  replicas           %8d (step time %.3f s, %.2f MB between devices per"
          + " step)%n", replicas, batch / examplesPerS, exchangedBytesPerStep / 1e6));
    }
    if (savedModel != null) {
      out.append(line("SavedModel", savedModel.examplesPerS()));
      out.append(String.format(Locale.ROOT, "  SavedModel load    %8.2f s, peak RSS %.1f MiB%n", savedModel.loadS(),
          savedModel.peakRssBytes() / (1024.0 * 1024.0)));
    }
    out.append(String.format(Locale.ROOT, "  GFLOP per example  %8.3f%n", gflopPerExample));
    out.append(String.format(Locale.ROOT, "  matmul peak        %8.1f GFLOP/s (fp32, measured now)%n", peakGflopsPerS));
    out.append(String.format(Locale.ROOT, "  matmul ceiling     %8.1f GFLOP/s (this step's weight products alone, %s):"
        + " the step runs at %.1f%% of it%n", ceilingGflopsPerS, forwardDtype, 100 * gflopsPerS() / ceilingGflopsPerS));
    out.append(String.format(Locale.ROOT, "  graph build        %8.2f s%n", graphBuildS));
    out.append(String.format(Locale.ROOT, "  peak RSS           %8.1f MiB%n", peakRssBytes / (1024.0 * 1024.0)));
    return out.toString();
  }

  private String line(String what, double perS) {
    double gflops = perS * gflopPerExample;
    return String.format(Locale.ROOT, "  %-18s %8.3f examples/s  %7.1f GFLOP/s  %5.1f%% of peak%n",
        what, perS, gflops, 100 * gflops / peakGflopsPerS);
  }
}
