package dev.trm.export.predict;

import dev.trm.export.ServingGraph;
import dev.trm.model.Fetches;
import dev.trm.model.ModelDims;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.TrmConfig;
import dev.trm.training.Checkpoints;
import dev.trm.training.Sessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TInt32;

/**
 * Runs ACT inference on batches of puzzles through the {@code serving_default} (adaptive halting) or
 * {@code fixed_steps} signature of a SavedModel exported by {@code trm export}, or of the same serving graph built
 * in memory from a checkpoint. {@code maxSteps} feeds the graph's {@value ServingGraph#MAX_STEPS}.
 */
public final class PuzzleSolver implements AutoCloseable {
  /** Per puzzle: predicted tokens [rows, S], q_halt [rows], ACT steps [rows] and, on request, logits [rows, S, V]. */
  public record Solution(int rows, int[] predictions, float[] qHalt, int[] steps, float[] logits) {}

  private final AutoCloseable owner;
  private final Session session;
  private final Map<String, Signature> signatures;
  private final boolean hasMaxSteps;
  private final int seqLen;
  private final int vocab;
  private final String description;

  private PuzzleSolver(AutoCloseable owner, Session session, Map<String, Signature> signatures, boolean hasMaxSteps,
      String description) {
    this.owner = owner;
    this.session = session;
    this.signatures = signatures;
    this.hasMaxSteps = hasMaxSteps;
    Shape logits = signatures.get(ServingGraph.SERVING_DEFAULT).getOutputs().get("logits").shape;
    this.seqLen = (int) logits.get(1);
    this.vocab = (int) logits.get(2);
    this.description = description;
  }

  /**
   * Opens {@code model}: a SavedModel directory, a model base path (its newest numeric version), a checkpoint or a
   * run directory (its newest checkpoint; EMA weights unless {@code rawWeights}).
   */
  public static PuzzleSolver open(Path model, boolean rawWeights) {
    Path savedModel = savedModelDir(model);
    if (savedModel != null) {
      SavedModelBundle bundle = SavedModelBundle.loader(savedModel.toString()).withTags("serve")
          .withConfigProto(Sessions.config()).load();
      try {
        Map<String, Signature> sigs = new java.util.HashMap<>();
        for (String key : List.of(ServingGraph.SERVING_DEFAULT, ServingGraph.FIXED_STEPS)) {
          sigs.put(key, bundle.function(key).signature());
        }
        return new PuzzleSolver(bundle, bundle.session(), sigs,
            bundle.graph().operation(ServingGraph.MAX_STEPS) != null, "SavedModel " + savedModel);
      } catch (IllegalArgumentException e) {
        bundle.close();
        throw new IllegalArgumentException(savedModel + " is not a TRM SavedModel from trm export: "
            + e.getMessage(), e);
      }
    }
    Path checkpoint = Checkpoints.latest(model);
    Checkpoints.Model trained = Checkpoints.readModel(checkpoint, !rawWeights);
    ServingGraph graph = ServingGraph.build(trained.config().getArch(), trained.dims(), trained.weights(),
        Sessions.config());
    Map<String, Signature> sigs = Map.of(ServingGraph.SERVING_DEFAULT, graph.signature(ServingGraph.SERVING_DEFAULT),
        ServingGraph.FIXED_STEPS, graph.signature(ServingGraph.FIXED_STEPS));
    return new PuzzleSolver(graph, graph.session(), sigs, true,
        "checkpoint " + checkpoint + (rawWeights ? " (raw weights)" : " (EMA weights)"));
  }

  /** {@code dir} itself if it holds saved_model.pb, its newest numeric version if it is a base path, else null. */
  static Path savedModelDir(Path dir) {
    if (Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      return dir;
    }
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("\\d{1,18}"))
          .filter(p -> Files.isRegularFile(p.resolve("saved_model.pb")))
          .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString()))).orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
    }
  }

  public int seqLen() {
    return seqLen;
  }

  public int vocab() {
    return vocab;
  }

  /** Where the weights come from, for messages. */
  public String description() {
    return description;
  }

  /**
   * Solves the puzzles of {@code chunk}.
   *
   * @param fixedSteps every puzzle runs all steps (the official evaluation) instead of halting adaptively
   * @param maxSteps the step cap, 0 = the model's halt_max_steps
   * @param withLogits also return the logits [rows, S, V]
   */
  public Solution solve(PuzzleChunk chunk, boolean fixedSteps, int maxSteps, boolean withLogits) {
    if (chunk.seqLen() != seqLen) {
      throw new IllegalArgumentException("puzzles have " + chunk.seqLen() + " cells, the model takes " + seqLen);
    }
    if (maxSteps > 0 && !hasMaxSteps) {
      throw new IllegalArgumentException(description + " has no " + ServingGraph.MAX_STEPS + " input: --steps needs"
          + " a model exported by this version of trm export");
    }
    Signature sig = signatures.get(fixedSteps ? ServingGraph.FIXED_STEPS : ServingGraph.SERVING_DEFAULT);
    List<Tensor> fed = new ArrayList<>();
    try {
      TInt32 inputs = TInt32.tensorOf(Shape.of(chunk.rows(), seqLen), DataBuffers.of(chunk.inputs(), true, false));
      fed.add(inputs);
      TInt32 ids = TInt32.tensorOf(Shape.of(chunk.rows()), DataBuffers.of(chunk.puzzleIds(), true, false));
      fed.add(ids);
      Session.Runner runner = session.runner()
          .feed(sig.getInputs().get("inputs").name, inputs)
          .feed(sig.getInputs().get("puzzle_identifiers").name, ids);
      if (maxSteps > 0) {
        TInt32 cap = TInt32.scalarOf(maxSteps);
        fed.add(cap);
        runner.feed(ServingGraph.MAX_STEPS, cap);
      }
      String predictions = sig.getOutputs().get("predictions").name;
      String qHalt = sig.getOutputs().get("q_halt_logits").name;
      String steps = sig.getOutputs().get("steps").name;
      String logits = sig.getOutputs().get("logits").name;
      runner.fetch(predictions).fetch(qHalt).fetch(steps);
      if (withLogits) {
        runner.fetch(logits);
      }
      try (Result r = runner.run()) {
        return new Solution(chunk.rows(), Fetches.ints(Fetches.tensor(r, predictions)),
            Fetches.floats(Fetches.tensor(r, qHalt)), Fetches.ints(Fetches.tensor(r, steps)),
            withLogits ? Fetches.floats(Fetches.tensor(r, logits)) : null);
      }
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  @Override
  public void close() {
    try {
      owner.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
