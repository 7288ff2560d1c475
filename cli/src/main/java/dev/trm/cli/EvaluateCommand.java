package dev.trm.cli;

import dev.trm.training.Checkpoints;
import dev.trm.training.CheckpointEvaluation;
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

  @Override
  public Integer call() {
    InputPaths.requireExisting("--checkpoint", checkpoint);
    InputPaths.requireDirectory("--data", data);
    Path dir = Checkpoints.latest(checkpoint);
    if (out != null && !Checkpoints.readConfig(dir).getEval().getEvaluatorsList().contains("arc")) {
      throw new IllegalArgumentException("--out " + out + " would stay empty: only the ARC evaluator writes files, "
          + "and the config of " + dir + " has no 'arc' in eval.evaluators (drop --out)");
    }
    Map<String, Double> metrics = CheckpointEvaluation.run(dir, !rawWeights, data, maxExamples,
        out != null ? out : dir, System.out);
    System.out.println("checkpoint " + dir + " (" + (rawWeights ? "raw" : "EMA") + " weights):");
    metrics.forEach((k, v) -> System.out.printf("  %-22s %.4f%n", k, v));
    return 0;
  }
}
