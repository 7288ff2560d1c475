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
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Runs ACT inference on batches of puzzles through the {@code serving_default} (adaptive halting) or
 * {@code fixed_steps} signature of a SavedModel exported by {@code trm export}, or of the same serving graph built
 * in memory from a checkpoint. {@code maxSteps} feeds the graph's {@value ServingGraph#MAX_STEPS}. The
 * {@code act_step} signature gives the answer after each step ({@link #actSteps}).
 */
public final class PuzzleSolver implements AutoCloseable {
  /** Per puzzle: predicted tokens [rows, S], q_halt [rows], ACT steps [rows] and, on request, logits [rows, S, V]. */
  public record Solution(int rows, int[] predictions, float[] qHalt, int[] steps, float[] logits) {}

  /** The answer after one ACT step: predicted tokens [rows, S] and q_halt [rows]. */
  public record StepOutput(int[] predictions, float[] qHalt) {}

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
        for (String key : List.of(ServingGraph.SERVING_DEFAULT, ServingGraph.FIXED_STEPS, ServingGraph.ACT_STEP)) {
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
        ServingGraph.FIXED_STEPS, graph.signature(ServingGraph.FIXED_STEPS),
        ServingGraph.ACT_STEP, graph.signature(ServingGraph.ACT_STEP));
    return new PuzzleSolver(graph, graph.session(), sigs, true,
        "checkpoint " + checkpoint + (rawWeights ? " (raw weights)" : " (EMA weights)"));
  }

  /** {@code dir} itself if it holds saved_model.pb, its newest numeric version if it is a base path, else null. */
  public static Path savedModelDir(Path dir) {
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

  /**
   * Runs {@code steps} ACT steps of the {@code act_step} signature on every puzzle of {@code chunk}, from a fresh
   * carry, and returns the answer after each. Every puzzle runs all steps: the carry goes back in with
   * {@code halted = false}, so a puzzle continues even past the model's halt_max_steps.
   */
  public List<StepOutput> actSteps(PuzzleChunk chunk, int steps) {
    if (chunk.seqLen() != seqLen) {
      throw new IllegalArgumentException("puzzles have " + chunk.seqLen() + " cells, the model takes " + seqLen);
    }
    Signature sig = signatures.get(ServingGraph.ACT_STEP);
    Shape state = sig.getInputs().get("z_H").shape;
    Shape stateShape = Shape.of(chunk.rows(), state.get(1), state.get(2));
    int rows = chunk.rows();
    List<String> carried = List.of("z_H", "z_L", "steps", "carry_inputs", "carry_puzzle_identifiers");
    List<StepOutput> out = new ArrayList<>();
    List<Tensor> fixed = new ArrayList<>();
    Map<String, Tensor> carry = new java.util.HashMap<>();
    Result previous = null;
    try {
      TInt32 inputs = TInt32.tensorOf(Shape.of(rows, seqLen), DataBuffers.of(chunk.inputs(), true, false));
      fixed.add(inputs);
      TInt32 ids = TInt32.tensorOf(Shape.of(rows), DataBuffers.of(chunk.puzzleIds(), true, false));
      fixed.add(ids);
      TBool reset = TBool.tensorOf(Shape.of(rows), b -> b.scalars().forEach(x -> x.setBoolean(true)));
      fixed.add(reset);
      TBool keep = TBool.tensorOf(Shape.of(rows), b -> b.scalars().forEach(x -> x.setBoolean(false)));
      fixed.add(keep);
      // The first step resets every slot (halted = true), so the carry it is given only needs the right shapes.
      float[] zeros = new float[(int) stateShape.size()];
      carry.put("z_H", TFloat32.tensorOf(stateShape, DataBuffers.of(zeros, true, false)));
      carry.put("z_L", TFloat32.tensorOf(stateShape, DataBuffers.of(zeros, true, false)));
      carry.put("steps", TInt32.tensorOf(Shape.of(rows), DataBuffers.of(new int[rows], true, false)));
      carry.put("carry_inputs", inputs);
      carry.put("carry_puzzle_identifiers", ids);
      fixed.addAll(List.of(carry.get("z_H"), carry.get("z_L"), carry.get("steps")));
      for (int k = 0; k < steps; k++) {
        Session.Runner runner = session.runner()
            .feed(sig.getInputs().get("inputs").name, inputs)
            .feed(sig.getInputs().get("puzzle_identifiers").name, ids)
            .feed(sig.getInputs().get("halted").name, k == 0 ? reset : keep);
        for (String name : carried) {
          runner.feed(sig.getInputs().get(name).name, carry.get(name));
        }
        List<String> fetched = new ArrayList<>(carried);
        fetched.addAll(List.of("predictions", "q_halt_logits"));
        fetched.forEach(name -> runner.fetch(sig.getOutputs().get(name).name));
        Result r = runner.run();
        int[] predictions = new int[rows * seqLen];
        output(r, sig, "predictions").asRawTensor().data().asInts().read(predictions);
        float[] qHalt = new float[rows];
        output(r, sig, "q_halt_logits").asRawTensor().data().asFloats().read(qHalt);
        out.add(new StepOutput(predictions, qHalt));
        for (String name : carried) {
          carry.put(name, output(r, sig, name));
        }
        if (previous != null) {
          previous.close();  // its tensors were this step's carry
        }
        previous = r;
      }
      return out;
    } finally {
      if (previous != null) {
        previous.close();
      }
      fixed.forEach(Tensor::close);
    }
  }

  private static Tensor output(Result r, Signature sig, String name) {
    String tensor = sig.getOutputs().get(name).name;
    return r.get(tensor).orElseThrow(() -> new IllegalStateException("act_step did not return " + tensor));
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
