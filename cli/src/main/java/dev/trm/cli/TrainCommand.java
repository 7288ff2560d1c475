package dev.trm.cli;

import dev.trm.export.SavedModelExporter;
import dev.trm.model.config.ConfigLoader;
import dev.trm.model.config.TrmConfig;
import dev.trm.training.Checkpoints;
import dev.trm.training.Evaluator;
import dev.trm.training.ClusterConfig;
import dev.trm.training.Replicas;
import dev.trm.training.RunDirectory;
import dev.trm.training.RunPictures;
import dev.trm.training.TaskServer;
import dev.trm.training.TaskWatch;
import dev.trm.training.Trainer;
import dev.trm.training.TrainingState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trm train}: train TRM from a config, evaluating and checkpointing as it goes; optionally export. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train TRM from a config; evaluate the EMA weights and write a checkpoint every eval_interval "
        + "epochs and at the end. A run directory holds config.pbtxt, metrics.jsonl, tensorboard/, "
        + "checkpoints/step_<N>/ and, with --export, export/."})
public final class TrainCommand implements Callable<Integer> {
  static final String DEFAULT_CONFIG = "configs/sudoku6-cpu.pbtxt";

  @Option(names = "--config", paramLabel = "FILE", description = "Config file (default: " + DEFAULT_CONFIG
      + "; with --resume, the checkpoint's own config).")
  Path config;

  @Option(names = "--run-dir", paramLabel = "DIR",
      description = "Run directory, which must not exist yet or be empty (default: runs/<config name>-<yyyyMMdd-HHmmss>;"
          + " with --resume, the checkpoint's).")
  Path runDir;

  @Option(names = "--resume", paramLabel = "DIR",
      description = "Continue from a checkpoint or run directory (its newest checkpoint), exactly where it stopped; "
          + "a weights-only checkpoint (import-torch) starts a fine-tuning run from its weights.")
  Path resume;

  @Option(names = "--steps", paramLabel = "N",
      description = "Stop after N optimizer steps in all, N >= 1 (default: the config's epochs; with --resume, the "
          + "target of the run resumed).")
  Long steps;

  @Option(names = "--replicas", paramLabel = "N", defaultValue = "1",
      description = "Data-parallel over N devices of this process: N virtual CPU devices (--replica-device CPU, "
          + "which tests the replication rather than speeding it up) or GPUs 0..N-1 (GPU, with the gpu profile). "
          + "global_batch_size must divide by N.")
  int replicas;

  @Option(names = "--replica-device", paramLabel = "CPU|GPU", defaultValue = "CPU",
      description = "The device type of --replicas (default: CPU).")
  String replicaDevice;

  @Option(names = "--cluster-timeout", paramLabel = "SECONDS", defaultValue = "90",
      description = "On a cluster: how long a training step may wait for a task before the chief stops with an error "
          + "naming the lost task (default: 90; joining the cluster and the first step get five times as long).")
  int clusterTimeout;

  @Mixin ClusterOptions cluster = new ClusterOptions();

  @Option(names = "--export", description = "Export the final checkpoint's EMA weights as a SavedModel into "
      + "<run>/export/.")
  boolean export;

  @Override
  public Integer call() {
    long start = System.nanoTime();
    if (steps != null && steps < 1) {
      throw new IllegalArgumentException("--steps must be at least 1, got " + steps
          + " (leave it out to train for the config's epochs)");
    }
    InputPaths.requireExisting("--resume", resume);
    Path resumeFrom = resume == null ? null : Checkpoints.latest(resume);
    TrainingState resumed = resumeFrom == null ? null : Checkpoints.readState(resumeFrom);
    boolean exactResume = resumed != null && !resumed.weightsOnly();
    TrmConfig cfg = config != null ? ConfigLoader.load(config)
        : resumeFrom != null ? Checkpoints.readConfig(resumeFrom)
        : ConfigLoader.load(defaultConfig());
    RunDirectory run = runDir != null ? new RunDirectory(runDir)
        : exactResume ? RunDirectory.ofCheckpoint(resumeFrom)
        : RunDirectory.defaultFor(cfg);
    if (!exactResume || !resumeFrom.toAbsolutePath().normalize().getParent()
        .equals(run.checkpoints().toAbsolutePath().normalize())) {
      RunDirectoryCheck.requireNew(run);  // only an exact resume continues a run in its own directory
    }
    Bf16Notice.onThisMachine(cfg).ifPresent(System.out::println);
    // A resumed run keeps the step target it was started with, unless --steps says otherwise.
    long maxSteps = steps != null ? steps : exactResume ? resumed.totalSteps() : 0;
    Trainer.Outcome outcome;
    try (GracefulStop stop = new GracefulStop(System.out)) {
      outcome = new Trainer(new Trainer.Options(cfg, run, resumeFrom, maxSteps), replicas(), System.out, stop).run();
      if (outcome.stopped()) {
        System.out.printf("%n%s: stopped at step %d; %s%n", stop.signal(), outcome.steps(),
            outcome.lastCheckpoint() != null ? "wrote " + outcome.lastCheckpoint() : "no step was trained, nothing "
                + "written");
        if (outcome.lastCheckpoint() != null) {
          System.out.println("  continue with:  trm train --resume " + run.root());
        }
        return stop.exitCode();
      }
    }

    System.out.println();
    System.out.printf("trained %d steps (%.0f s of training); final %s %.4f%n", outcome.steps(),
        outcome.trainSeconds(), Evaluator.EXACT_ACCURACY, outcome.finalEval().get(Evaluator.EXACT_ACCURACY));
    System.out.println("  run directory:  " + run.root());
    System.out.println("  metrics:        " + run.metrics());
    System.out.println("  tensorboard:    tensorboard --logdir " + run.tensorboard());
    System.out.println("  checkpoints:    last " + outcome.lastCheckpoint() + ", best " + outcome.bestCheckpoint());
    System.out.println("  pictures:       " + run.root().resolve(RunPictures.CURVES) + ", "
        + run.root().resolve(RunPictures.STEP_ACCURACY));
    if (export) {
      SavedModelExporter.Result r = SavedModelExporter.exportCheckpoint(outcome.lastCheckpoint(), false,
          run.export(), "trm", ExportCommand.nextVersion(run.export().resolve("trm")));
      System.out.println("  export:         " + r.versionDir() + " (EMA weights of " + outcome.lastCheckpoint()
          .getFileName() + ")");
      System.out.println("  serve it with:  " + r.serveCommand());
      try {
        List<Path> strips = ShowCommand.draw(r.versionDir(), false,
            Checkpoints.readDatasetPath(outcome.lastCheckpoint()).resolve("test"), null, List.of(0L), 0,
            run.root().resolve("show"), 28, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        System.out.println("  film strip:     " + strips.get(0) + " (held-out puzzle 0; more: trm show --help)");
      } catch (IllegalArgumentException e) {
        // Not every dataset can be drawn (only Sudoku, Maze and ARC shapes); the run itself succeeded.
        System.out.println("  film strip:     not drawn: " + e.getMessage());
      }
    }
    System.out.printf("total wall time %.0f s%n", (System.nanoTime() - start) / 1e9);
    return 0;
  }

  /** The default config, which is found relative to the working directory: say so when it is not there. */
  private static Path defaultConfig() {
    Path path = Path.of(DEFAULT_CONFIG);
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("no --config given, and the default " + DEFAULT_CONFIG + " is not in the "
          + "working directory " + Path.of("").toAbsolutePath() + ": run trm from the repository root, or pass "
          + "--config FILE");
    }
    return path;
  }

  /** The replicas of the run: the cluster's tasks (this process being the chief), local devices, or one. */
  private Replicas replicas() {
    ClusterConfig c = cluster.cluster();
    if (c == null) {
      return switch (replicaDevice.toUpperCase(Locale.ROOT)) {
        case "CPU" -> replicas == 1 ? Replicas.single() : Replicas.virtualCpus(replicas);
        case "GPU" -> Replicas.gpus(replicas);
        default -> throw new IllegalArgumentException("--replica-device '" + replicaDevice + "' is neither CPU nor GPU");
      };
    }
    if (!c.isChief()) {
      throw new IllegalArgumentException("task " + c.taskName() + " is a worker: run `trm worker` there and "
          + "`trm train` on the chief");
    }
    if (replicas != 1) {
      throw new IllegalArgumentException("--replicas is for one process; on a cluster every task is one replica");
    }
    if (clusterTimeout <= 0) {
      throw new IllegalArgumentException("--cluster-timeout must be positive, got " + clusterTimeout);
    }
    TaskServer server = TaskServer.start(c);
    System.out.println("trm train: chief " + c.chief() + " of a cluster of " + (1 + c.workers().size())
        + " tasks (workers " + String.join(", ", c.workers()) + "); session on " + server.target());
    Replicas onCluster = c.replicas(Duration.ofSeconds(clusterTimeout));
    TaskWatch.start(onCluster, Duration.ofSeconds(5), message -> {
      // The step in flight cannot be cancelled from Java; checkpoints are written atomically, so ending here is safe.
      System.out.flush();
      System.err.println("trm train: error: " + message);
      Runtime.getRuntime().halt(1);
    });
    return onCluster;
  }
}
