package dev.trm.training;

import dev.trm.datasets.Batch;
import dev.trm.datasets.PuzzleDataset;
import dev.trm.datasets.TrainSampler;
import dev.trm.model.ModelDims;
import dev.trm.model.config.LoopStyle;
import dev.trm.model.config.TrainConfig;
import dev.trm.model.config.TrmConfig;
import dev.trm.viz.RunMetrics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A training run: the official streaming loop (or the paper's per-batch loop), evaluation and a
 * checkpoint every {@code eval_interval} epochs and at the end, metrics to {@code metrics.jsonl} and TensorBoard, a
 * progress bar, and exact resumption from a checkpoint.
 */
public final class Trainer {

  /**
   * What to run.
   *
   * @param config the config (for a resume: must match the checkpoint's model and batch)
   * @param runDir where outputs go
   * @param resume a checkpoint or run directory to continue from, or null
   * @param maxSteps stop after this many optimizer steps in all (0 = the config's epochs)
   */
  public record Options(TrmConfig config, RunDirectory runDir, Path resume, long maxSteps) {}

  /**
   * What a run produced.
   *
   * @param runDir the run directory
   * @param lastCheckpoint the checkpoint written at the end
   * @param bestCheckpoint the checkpoint with the best eval/exact_accuracy
   * @param finalEval the metrics of the last evaluation
   * @param steps optimizer steps taken in all
   * @param trainSeconds wall-clock seconds spent in training steps (all sessions of the run)
   * @param stopped true if a stop request ended the run early: its last checkpoint is then not evaluated
   */
  public record Outcome(RunDirectory runDir, Path lastCheckpoint, Path bestCheckpoint, Map<String, Double> finalEval,
      long steps, double trainSeconds, boolean stopped) {}

  private final Options options;
  private final Replicas replicas;
  private final PrintStream out;
  private final BooleanSupplier stopRequested;

  /** A trainer that runs until its step target or budget. */
  public Trainer(Options options, PrintStream out) {
    this(options, Replicas.single(), out, () -> false);
  }

  /**
   * A run whose steps are data-parallel over {@code replicas} (this process writes every output), which also stops
   * early, after the step in progress, once {@code stopRequested} answers true (Ctrl-C), writing a checkpoint to
   * resume from.
   */
  public Trainer(Options options, Replicas replicas, PrintStream out, BooleanSupplier stopRequested) {
    this.options = options;
    this.replicas = replicas;
    this.out = out;
    this.stopRequested = stopRequested;
  }

  /** Trains until the step count or the wall-clock budget is reached; see {@link Outcome}. */
  public Outcome run() {
    TrmConfig config = options.config();
    TrainConfig t = config.getTrain();
    Path dataDir = DatasetPreparation.ensure(config.getData(), out);
    PuzzleDataset train = PuzzleDataset.open(dataDir, "train");
    PuzzleDataset test = PuzzleDataset.open(dataDir, "test");
    ModelDims dims = new ModelDims(train.metadata().vocabSize(), train.metadata().seqLen(),
        train.metadata().numPuzzleIdentifiers());
    if (test.metadata().seqLen() != dims.seqLen() || test.metadata().vocabSize() != dims.vocabSize()) {
      throw new IllegalArgumentException(dataDir + ": test split has seq_len " + test.metadata().seqLen() + " and vocab "
          + test.metadata().vocabSize() + ", train has " + dims.seqLen() + " and " + dims.vocabSize());
    }
    int batch = t.getGlobalBatchSize();
    double examplesPerEpoch = train.metadata().totalGroups() * train.metadata().meanPuzzleExamples();
    long totalSteps = (long) (t.getEpochs() * examplesPerEpoch / batch);
    if (options.maxSteps() > 0) {
      totalSteps = Math.min(totalSteps, options.maxSteps());
    }
    long evalEvery = Math.max(1, (long) (t.getEvalInterval() * examplesPerEpoch / batch));
    double budget = t.getMaxTrainSeconds() > 0 ? t.getMaxTrainSeconds() : Double.POSITIVE_INFINITY;
    if (options.resume() != null) {
      ResumeChecks.beforeBuilding(Checkpoints.latest(options.resume()), config, dims, totalSteps, budget);
    }

    RunDirectory run = options.runDir();
    run.create(config);
    TrainSampler sampler = new TrainSampler(train, batch, t.getSeed(), Math.max(1, (int) Math.round(t.getEvalInterval())));
    out.printf("trm train: %s, %d train groups, %d test examples, batch %d, %d steps (eval every %d)%s%n",
        config.getName(), train.numGroups(), test.numExamples(), batch, totalSteps, evalEvery,
        Double.isInfinite(budget) ? "" : String.format(", at most %.0f s of training", budget));
    long buildStart = System.nanoTime();
    try (TrainStepGraph graph = TrainStepGraph.create(config, dims, batch, config.getEval().getBatchSize(), totalSteps,
        replicas, Sessions.config())) {
      double trainSeconds = 0;
      if (options.resume() != null) {
        trainSeconds = resume(graph, sampler, Checkpoints.latest(options.resume(), out::println));
      }
      out.printf("graph built in %.1f s; training from step %d%n", (System.nanoTime() - buildStart) / 1e9,
          graph.stepsDone());
      Evaluator evaluator = new Evaluator(graph.eval(), graph.session(), test, config.getEval(),
          Evaluator.arcEvaluatorFor(config.getEval(), dataDir));
      try (MetricsLog metrics = MetricsLog.open(run.metrics(), graph.stepsDone(), out::println);
          TensorBoardWriter tensorboard = new TensorBoardWriter(run.tensorboard())) {
        Loop loop = new Loop(graph, sampler, evaluator, metrics, tensorboard, run, dataDir, trainSeconds);
        return loop.run(totalSteps, evalEvery, budget, t.getLoop() == LoopStyle.PER_BATCH);
      }
    }
  }

  /** Restores {@code checkpoint} into the graph and sampler; returns the training seconds it had used. */
  private double resume(TrainStepGraph graph, TrainSampler sampler, Path checkpoint) {
    TrainingState state = Checkpoints.readState(checkpoint);
    Path bundle = checkpoint.resolve(Checkpoints.BUNDLE);
    if (state.weightsOnly()) {
      graph.restoreWeights(bundle);
      out.println("starting from the weights of " + checkpoint);
      return 0;
    }
    if (!graph.restore(bundle, state.step(), state.explorationRng())) {
      out.println("the checkpoint's ACT carries are for another number of replicas: every slot restarts from the "
          + "next batch");
    }
    sampler.restore(state.sampler());
    out.println("resumed from " + checkpoint + " at step " + state.step());
    return state.trainSeconds();
  }

  /** The loop proper, with the state it threads through. */
  private final class Loop {
    private final TrainStepGraph graph;
    private final TrainSampler sampler;
    private final Evaluator evaluator;
    private final MetricsLog metrics;
    private final TensorBoardWriter tensorboard;
    private final RunDirectory run;
    private final Path dataDir;
    private double trainSeconds;
    private long totalSteps;
    private double budget;
    private long lastTick = System.nanoTime();
    private Path lastCheckpoint;
    private Map<String, Double> lastEval = Map.of();

    Loop(TrainStepGraph graph, TrainSampler sampler, Evaluator evaluator, MetricsLog metrics,
        TensorBoardWriter tensorboard, RunDirectory run, Path dataDir, double trainSeconds) {
      this.graph = graph;
      this.sampler = sampler;
      this.evaluator = evaluator;
      this.metrics = metrics;
      this.tensorboard = tensorboard;
      this.run = run;
      this.dataDir = dataDir;
      this.trainSeconds = trainSeconds;
    }

    Outcome run(long totalSteps, long evalEvery, double budget, boolean perBatch) {
      this.totalSteps = totalSteps;
      long firstStep = graph.stepsDone();
      boolean stopped;
      this.lastTick = System.nanoTime();
      int slots = graph.batchSize();
      int maxActSteps = graph.shape().haltMaxSteps();
      this.budget = budget;
      try (TrainingProgress progress = new TrainingProgress(graph.stepsDone(), totalSteps, slots)) {
        while (graph.stepsDone() < totalSteps && trainSeconds < budget && !stopRequested.getAsBoolean()) {
          Batch batch = sampler.next();
          if (perBatch) {
            // Paper Fig. 3: N_sup supervision steps on this batch from a fresh carry, stopping once all slots halt.
            graph.resetCarry();
            for (int k = 0; k < maxActSteps && graph.stepsDone() < totalSteps && !stopRequested.getAsBoolean(); k++) {
              if (step(batch, progress).haltedSlots() == slots) {
                break;
              }
            }
          } else {
            step(batch, progress);
          }
          if (graph.stepsDone() % evalEvery == 0 && graph.stepsDone() < totalSteps && trainSeconds < budget) {
            evaluateAndSave(progress);
          }
        }
        stopped = graph.stepsDone() < totalSteps && trainSeconds < budget;  // only a stop request ends it early
        if (!stopped) {
          evaluateAndSave(progress);
        } else if (graph.stepsDone() > firstStep && !savedAtThisStep()) {
          // Stopping is urgent: the checkpoint is written without the evaluation, which the resumed run will do.
          trainSeconds += (System.nanoTime() - lastTick) / 1e9;
          save(Map.of(), progress);
        }
      }
      Path best = Checkpoints.best(run.checkpoints());
      return new Outcome(run, lastCheckpoint, best == null ? lastCheckpoint : best, lastEval, graph.stepsDone(),
          trainSeconds, stopped);
    }

    private StepResult step(Batch batch, TrainingProgress progress) {
      StepResult r = graph.step(batch);
      Map<String, Double> m = r.metrics();
      m.put(RunMetrics.TRAIN_SECONDS, trainSeconds + (System.nanoTime() - lastTick) / 1e9);
      metrics.write(r.step(), m);
      tensorboard.write(r.step(), m);
      if (!r.finite()) {
        throw new TrainingDivergedException(String.format(
            "non-finite training values at step %d (train/lm_loss %s, train/q_halt_loss %s, train/grad_norm %s); "
                + "stopped without saving. Last good checkpoint: %s", r.step(), r.lmLoss(), r.qHaltLoss(),
            r.gradNorm(), lastCheckpoint != null ? lastCheckpoint : latestOrNone()));
      }
      progress.update(r, budget - trainSeconds);
      // The budget counts everything but evaluation and checkpoints: sampling, logging and the step itself.
      long now = System.nanoTime();
      trainSeconds += (now - lastTick) / 1e9;
      lastTick = now;
      return r;
    }

    private void evaluateAndSave(TrainingProgress progress) {
      long step = graph.stepsDone();
      if (savedAtThisStep()) {
        return;  // already evaluated and saved at this step
      }
      trainSeconds += (System.nanoTime() - lastTick) / 1e9;
      lastEval = evaluator.evaluate(step, run.root(),
          (done, total) -> progress.status("evaluating: batch " + done + "/" + total));
      Map<String, Double> logged = new LinkedHashMap<>(lastEval);
      logged.put(RunMetrics.TRAIN_SECONDS, trainSeconds);
      metrics.write(step, logged);
      tensorboard.write(step, logged);
      RunPictures.write(run, graph.shape().haltMaxSteps(), out);
      // On a line of its own: a log cuts the progress bar's line, and the evaluation is what a reader looks for.
      progress.status("");
      out.printf("%nstep %d: %s %.4f%n", step, Evaluator.EXACT_ACCURACY, lastEval.get(Evaluator.EXACT_ACCURACY));
      save(lastEval, progress);
      lastTick = System.nanoTime();
    }

    private boolean savedAtThisStep() {
      return lastCheckpoint != null && lastCheckpoint.endsWith(Checkpoints.STEP_PREFIX + graph.stepsDone());
    }

    private void save(Map<String, Double> eval, TrainingProgress progress) {
      TrainingState state = new TrainingState(TrainingState.FORMAT, graph.stepsDone(), totalSteps, sampler.state(),
          graph.rngState(), graph.hasEma(), false, trainSeconds, eval);
      // The logs up to this checkpoint are what a resume from it keeps, so they must be as durable as it is.
      metrics.sync();
      tensorboard.sync();
      lastCheckpoint = Checkpoints.save(run.checkpoints(), graph, dataDir, state);
      Checkpoints.prune(run.checkpoints(), graph.config().getTrain().getCheckpointsKeep(), progress::status);
    }

    private String latestOrNone() {
      try {
        return Checkpoints.latest(run.checkpoints()).toString();
      } catch (CheckpointException e) {
        return "none";
      }
    }
  }
}
