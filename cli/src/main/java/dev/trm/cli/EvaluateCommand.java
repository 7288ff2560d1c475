package dev.trm.cli;

import dev.trm.training.Checkpoints;
import dev.trm.training.CheckpointEvaluation;
import dev.trm.training.RunPictures;
import dev.trm.viz.ChartFiles;
import dev.trm.viz.StepAccuracy;
import dev.trm.viz.StepAccuracyChart;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trm evaluate}: evaluate a checkpoint on its dataset's test split. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Evaluate a checkpoint on the test split of its dataset: halt_max_steps ACT steps per batch with "
        + "the EMA weights; exact and token accuracy, plus ARC pass@k and submission.json when the config's eval "
        + "has the arc evaluator."})
public final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
      description = "A checkpoint (checkpoints/step_<N>) or a run directory (its newest checkpoint).")
  Path checkpoint;

  @Option(names = "--raw-weights", description = "Evaluate the raw weights instead of their EMA.")
  boolean rawWeights;

  @Option(names = "--data", paramLabel = "DIR", description = "Dataset directory (default: the one the checkpoint "
      + "was trained on).")
  Path data;

  @Option(names = "--max-examples", paramLabel = "N", description = "Evaluate at most N test examples (default: "
      + "the config's eval.max_examples; 0 = all).")
  Long maxExamples;

  @Option(names = "--out", paramLabel = "DIR", description = "Where evaluator outputs (ARC submission.json) go "
      + "(default: the checkpoint directory); refused when the config has no ARC evaluator.")
  Path out;

  @Option(names = "--steps", paramLabel = "N", description = "Report the exact accuracy after each of N ACT steps "
      + "(default: halt_max_steps; more continues past the trained depth; the other metrics stay those of "
      + "halt_max_steps steps).")
  Integer steps;

  @Option(names = "--plot", paramLabel = "FILE.png", description = "Where the accuracy-per-step chart goes, with an "
      + "SVG beside it (default: accuracy_per_step.png in --out, else in the checkpoint's run directory).")
  Path plot;

  @Override
  public Integer call() {
    if (steps != null && steps < 1) {
      throw new IllegalArgumentException("--steps must be at least 1, got " + steps
          + " (leave it out for the model's halt_max_steps)");
    }
    InputPaths.requireExisting("--checkpoint", checkpoint);
    InputPaths.requireDirectory("--data", data);
    Path dir = Checkpoints.latest(checkpoint);
    if (out != null && !Checkpoints.readConfig(dir).getEval().getEvaluatorsList().contains("arc")) {
      throw new IllegalArgumentException("--out " + out + " would stay empty: only the ARC evaluator writes files, "
          + "and the config of " + dir + " has no 'arc' in eval.evaluators (drop --out)");
    }
    Path outDir = out != null ? out : dir;
    Map<String, Double> metrics = CheckpointEvaluation.run(dir, !rawWeights, data, maxExamples,
        steps == null ? 0 : steps, outDir, System.out);
    System.out.println("checkpoint " + dir + " (" + (rawWeights ? "raw" : "EMA") + " weights):");
    EvaluationReport.print(metrics, System.out);
    Path chart = plot != null ? plot : out != null ? out.resolve(RunPictures.STEP_ACCURACY) : defaultChart(dir);
    StepAccuracyChart.write(StepAccuracy.from(metrics), Checkpoints.readConfig(dir).getArch().getHaltMaxSteps(),
        chart);
    System.out.println("accuracy per ACT step: " + chart + " (and " + ChartFiles.svgOf(chart).getFileName() + ")");
    return 0;
  }

  /**
   * The run directory's chart when the checkpoint is {@code <run>/checkpoints/step_<N>} (a checkpoint directory holds
   * exactly what its manifest lists, so nothing is added to it), else one in the working directory.
   */
  private static Path defaultChart(Path checkpoint) {
    Path parent = checkpoint.toAbsolutePath().normalize().getParent();
    boolean inRun = parent != null && parent.getFileName().toString().equals("checkpoints");
    return (inRun ? parent.getParent() : Path.of("")).resolve(RunPictures.STEP_ACCURACY);
  }
}
