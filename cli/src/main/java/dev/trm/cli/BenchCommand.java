package dev.trm.cli;

import dev.trm.bench.BenchDims;
import dev.trm.bench.BenchRequest;
import dev.trm.bench.BenchResult;
import dev.trm.bench.TrmBench;
import dev.trm.model.ModelDims;
import dev.trm.model.config.ConfigLoader;
import dev.trm.model.config.DType;
import dev.trm.model.config.TrmConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trm bench}: throughput of a training step or of inference for a config and batch size, with the analytic
 * FLOPs, the fraction of the fp32 matmul peak measured in the same run, graph build time and peak memory.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark a training step or inference (examples/s, GFLOP/s vs the measured matmul peak, "
        + "graph build time, peak memory).")
public final class BenchCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "Config file (configs/*.pbtxt).")
  Path config;

  @Option(names = "--batch", required = true, paramLabel = "B", description = "Examples per step.")
  int batch;

  @Option(names = "--mode", defaultValue = "train", paramLabel = "train|infer",
      description = "train: one training ACT step; infer: halt_max_steps ACT steps, in process and via SavedModel."
          + " Default: ${DEFAULT-VALUE}.")
  String mode;

  @Option(names = "--json", description = "Print exactly one JSON object on stdout (progress goes to stderr).")
  boolean json;

  @Option(names = "--warmup", defaultValue = "1", paramLabel = "N", description = "Untimed runs first. Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Option(names = "--runs", paramLabel = "N", description = "Timed runs, median reported. Default: 5 (train), 3 (infer).")
  Integer runs;

  @Option(names = "--saved-model", paramLabel = "DIR",
      description = "infer: the SavedModel to run (default: export a fresh one to a temporary directory).")
  Path savedModel;

  @Option(names = "--dims", paramLabel = "V,S,N",
      description = "Dataset sizes vocab,seq_len,puzzle_ids (default: read the config's built dataset; "
          + "Sudoku-Extreme is 11,81,1).")
  String dims;

  @Option(names = "--forward-dtype", paramLabel = "FLOAT32|BFLOAT16", converter = ForwardDtypeConverter.class,
      description = "Override the config's arch.forward_dtype (the paper configs say BFLOAT16, the official default).")
  DType forwardDtype;

  @Option(names = "--replicas", defaultValue = "1", paramLabel = "N",
      description = "Train: replicate the step over N virtual CPU devices of this process (--batch is the global "
          + "batch); reports the step time and the bytes exchanged between devices. Default: ${DEFAULT-VALUE}.")
  int replicas;

  @Option(names = "--profile", description = "Also print where one step's time goes, op type by op type (stderr).")
  boolean profile;

  @Override
  public Integer call() {
    BenchRequest.Mode benchMode = switch (mode) {
      case "train" -> BenchRequest.Mode.TRAIN;
      case "infer" -> BenchRequest.Mode.INFER;
      default -> throw new IllegalArgumentException("--mode must be train or infer, got '" + mode + "'");
    };
    InputPaths.requireExisting("--saved-model", savedModel);
    if (savedModel != null && benchMode != BenchRequest.Mode.INFER) {
      throw new IllegalArgumentException("--saved-model applies to --mode infer only; a training step has no "
          + "SavedModel (drop it, or add --mode infer)");
    }
    TrmConfig trmConfig = ConfigLoader.load(config);
    if (forwardDtype != null) {
      trmConfig = trmConfig.toBuilder()
          .setArch(trmConfig.getArch().toBuilder().setForwardDtype(forwardDtype)).build();
    }
    ModelDims modelDims = dims != null ? BenchDims.parse(dims) : BenchDims.fromDataset(trmConfig, Path.of(""));
    int timedRuns = runs != null ? runs : benchMode == BenchRequest.Mode.TRAIN ? 5 : 3;
    BenchRequest request = new BenchRequest(trmConfig, modelDims, batch, benchMode, warmup, timedRuns, savedModel,
        profile, replicas);
    BenchResult result = TrmBench.run(request, spec.commandLine().getErr());
    spec.commandLine().getOut().print(json ? result.toJson() + System.lineSeparator() : result.toText());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
