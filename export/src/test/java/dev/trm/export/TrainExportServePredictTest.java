package dev.trm.export;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.datasets.Npy;
import dev.trm.datasets.PuzzleDataset;
import dev.trm.datasets.sudoku.SudokuDatasets;
import dev.trm.datasets.sudoku.SudokuGenerationSpec;
import dev.trm.export.predict.ActTraces;
import dev.trm.export.predict.PredictJob;
import dev.trm.export.predict.PuzzleChunk;
import dev.trm.export.predict.PuzzleSolver;
import dev.trm.export.predict.PuzzleSource;
import dev.trm.export.predict.PuzzleSources;
import dev.trm.serving.HostTensor;
import dev.trm.serving.ServingConfigs;
import dev.trm.serving.ServingServer;
import dev.trm.model.ModelDims;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.TrmConfig;
import dev.trm.training.Checkpoints;
import dev.trm.training.RunDirectory;
import dev.trm.training.Sessions;
import dev.trm.training.Trainer;
import dev.trm.viz.ActTrace;
import dev.trm.viz.GridStyle;
import dev.trm.viz.PuzzlePictures;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;

/**
 * The whole flow on a tiny model: train on generated 4x4 Sudoku (a few steps, EMA on), export the checkpoint, reload
 * the SavedModel in a separate JVM holding only TensorFlow Java, serve it over REST and predict with it. Every path
 * must give the numbers of the training run's EMA weights.
 */
class TrainExportServePredictTest {
  @TempDir static Path dir;
  private static Path data;
  private static Trainer.Outcome trained;
  private static Map<String, WeightTensor> ema;
  private static TrmConfig config;
  private static ModelDims dims;
  private static Path base;
  private static HostTensor testInputs;
  private static HostTensor testIds;
  private static int[] testLabels;

  @BeforeAll
  static void trainAndExport() {
    data = dir.resolve("sudoku4");
    SudokuDatasets.generate(new SudokuGenerationSpec(4, 8, 32, 12, 1, 7), data);
    TrmConfig tiny = TinyModel.config();
    config = tiny.toBuilder().setName("flow")
        .setData(tiny.getData().toBuilder().setPath(data.toString()))
        .setTrain(tiny.getTrain().toBuilder().setGlobalBatchSize(8).setEpochs(6).setEvalInterval(6))
        .setEval(tiny.getEval().toBuilder().setBatchSize(8))
        .build();
    PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
    trained = new Trainer(new Trainer.Options(config, new RunDirectory(dir.resolve("run")), null, 0), quiet).run();
    dims = Checkpoints.readDims(trained.lastCheckpoint());
    ema = Checkpoints.readWeights(trained.lastCheckpoint(), true);
    base = dir.resolve("models");
    SavedModelExporter.exportCheckpoint(dir.resolve("run"), false, base, "trm", 1);

    PuzzleDataset test = PuzzleDataset.open(data, "test");
    int n = (int) test.numExamples();
    int s = test.seqLen();
    int[] inputs = new int[n * s];
    testLabels = new int[n * s];
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      test.readInputs(i, inputs, i * s);
      test.readLabels(i, testLabels, i * s);
      ids[i] = test.puzzleIdentifier(test.puzzleOfExample(i));
    }
    testInputs = new HostTensor(DataType.DT_INT32, new long[] {n, s}, inputs);
    testIds = new HostTensor(DataType.DT_INT32, new long[] {n}, ids);
  }

  private static int[] ints(HostTensor t) {
    return (int[]) t.values();
  }

  private static float[] floats(HostTensor t) {
    return (float[]) t.values();
  }

  /** {exact accuracy, token accuracy} of predictions on the test split (the official metric definitions). */
  private static double[] accuracy(int[] predictions) {
    int s = dims.seqLen();
    int n = predictions.length / s;
    double exact = 0;
    double token = 0;
    for (int i = 0; i < n; i++) {
      int right = 0;
      for (int j = 0; j < s; j++) {
        right += predictions[i * s + j] == testLabels[i * s + j] ? 1 : 0;
      }
      exact += right == s ? 1 : 0;
      token += (double) right / s;
    }
    return new double[] {exact / n, token / n};
  }

  @Test
  void separateJvmWithOnlyTensorFlowGivesTheNumbersOfTheTrainingRunsEmaWeights() {
    int n = (int) testInputs.shape()[0];
    Map<String, Map<String, HostTensor>> requests = new LinkedHashMap<>();
    Map<String, HostTensor> batch = Map.of("inputs", testInputs, "puzzle_identifiers", testIds);
    requests.put(ServingGraph.FIXED_STEPS, batch);
    requests.put(ServingGraph.SERVING_DEFAULT, batch);
    ActStepReference.Step start;
    List<ActStepReference.Step> steps = new ArrayList<>();
    try (ActStepReference reference = new ActStepReference(config.getArch(), dims, ema)) {
      start = reference.initial(n);
      ActStepReference.Step s = start;
      for (int t = 0; t < config.getArch().getHaltMaxSteps(); t++) {
        s = reference.step(s, testInputs, testIds);
        steps.add(s);
      }
    }
    Map<String, HostTensor> act = new LinkedHashMap<>();
    act.put("z_H", start.y());
    act.put("z_L", start.z());
    act.put("steps", start.steps());
    act.put("halted", start.halted());
    act.put("carry_inputs", HostTensor.zeros(DataType.DT_INT32, testInputs.shape()));
    act.put("carry_puzzle_identifiers", HostTensor.zeros(DataType.DT_INT32, testIds.shape()));
    act.put("inputs", testInputs);
    act.put("puzzle_identifiers", testIds);
    requests.put(ServingGraph.ACT_STEP, act);

    StandaloneReload.Outcome out = StandaloneReload.run(base.resolve("trm/1"), requests, dir);

    assertThat(out.stdout()).containsAtLeast("signature serving_default tensorflow/serving/predict",
        "signature fixed_steps tensorflow/serving/predict", "signature act_step tensorflow/serving/predict");
    ActStepReference.Step last = steps.get(steps.size() - 1);
    Map<String, HostTensor> fixed = out.outputs().get(ServingGraph.FIXED_STEPS);
    assertThat(floats(fixed.get("logits"))).usingTolerance(1e-4).containsExactly(floats(last.logits())).inOrder();
    assertThat(floats(fixed.get("q_halt_logits"))).usingTolerance(1e-4).containsExactly(floats(last.qHalt()))
        .inOrder();
    Map<String, HostTensor> first = out.outputs().get(ServingGraph.ACT_STEP);
    assertThat(floats(first.get("z_H"))).usingTolerance(1e-4).containsExactly(floats(steps.get(0).y())).inOrder();
    assertThat(floats(first.get("logits"))).usingTolerance(1e-4).containsExactly(floats(steps.get(0).logits()))
        .inOrder();
    int[] adaptiveSteps = ints(out.outputs().get(ServingGraph.SERVING_DEFAULT).get("steps"));
    for (int slot = 0; slot < n; slot++) {
      int stop = steps.size();
      for (int t = 1; t <= steps.size(); t++) {
        if (floats(steps.get(t - 1).qHalt())[slot] > 0) {
          stop = t;
          break;
        }
      }
      assertThat(adaptiveSteps[slot]).isEqualTo(stop);
    }
    // The comparison tells EMA from raw weights: they differ after training.
    Map<String, WeightTensor> raw = Checkpoints.readWeights(trained.lastCheckpoint(), false);
    assertThat(raw.get(dev.trm.model.ModelTensors.LM_HEAD)).isNotEqualTo(ema.get(dev.trm.model.ModelTensors.LM_HEAD));
  }

  @Test
  void actStepTracesAgreeWithTheLoopSignaturesAndAreDrawn() throws Exception {
    List<ActTrace> traces;
    List<ActTrace> longer;
    PuzzleSolver.Solution fixed;
    PuzzleSolver.Solution adaptive;
    PuzzleChunk chunk;
    int n = config.getArch().getHaltMaxSteps();
    try (PuzzleSolver solver = PuzzleSolver.open(base.resolve("trm"), false);
        PuzzleSource source = PuzzleSources.open(data.resolve("test"), null)) {
      chunk = ActTraces.select(source, List.of(5L, 0L, 2L));
      traces = ActTraces.trace(solver, chunk, 0);
      longer = ActTraces.trace(solver, chunk, n + 2);
      fixed = solver.solve(chunk, true, 0, false);
      adaptive = solver.solve(chunk, false, 0, false);
    }
    int s = chunk.seqLen();
    assertThat(Arrays.copyOfRange(chunk.inputs(), 0, s)).isEqualTo(Arrays.copyOfRange(ints(testInputs), 5 * s, 6 * s));
    for (int i = 0; i < 3; i++) {
      ActTrace t = traces.get(i);
      assertThat(t.steps()).hasSize(n);
      assertThat(t.prediction()).isEqualTo(Arrays.copyOfRange(fixed.predictions(), i * s, (i + 1) * s));
      assertThat(t.haltStep()).isEqualTo(adaptive.steps()[i]);
      assertThat(t.steps().get(t.haltStep() - 1).prediction())
          .isEqualTo(Arrays.copyOfRange(adaptive.predictions(), i * s, (i + 1) * s));
      assertThat(longer.get(i).steps()).hasSize(n + 2);
      assertThat(longer.get(i).steps().get(n - 1).prediction()).isEqualTo(t.prediction());
    }
    try (PuzzleSolver fromCheckpoint = PuzzleSolver.open(dir.resolve("run"), false)) {
      List<ActTrace> again = ActTraces.trace(fromCheckpoint, chunk, 0);
      assertThat(again.get(1).steps().get(0).prediction()).isEqualTo(traces.get(1).steps().get(0).prediction());
    }
    PuzzlePictures.Written files = new PuzzlePictures(GridStyle.of(s, dims.vocabSize()), 24)
        .write(traces.get(0), dir.resolve("show"), "puzzle-5");
    try (javax.imageio.stream.ImageInputStream in = javax.imageio.ImageIO.createImageInputStream(
        files.animation().toFile())) {
      javax.imageio.ImageReader reader = javax.imageio.ImageIO.getImageReadersByFormatName("gif").next();
      reader.setInput(in);
      assertThat(reader.getNumImages(true)).isEqualTo(n);
      reader.dispose();
    }
  }

  @Test
  void servedOverRestAndPredictedFromFilesAlike() throws Exception {
    PuzzleSolver.Solution direct;
    try (PuzzleSolver solver = PuzzleSolver.open(base.resolve("trm"), false)) {
      direct = solver.solve(new dev.trm.export.predict.PuzzleChunk((int) testInputs.shape()[0], dims.seqLen(),
          ints(testInputs), ints(testIds), null), true, 0, false);
    }
    // REST, columnar request for the fixed_steps signature.
    try (ServingServer server = ServingServer.start(
        List.of(ServingConfigs.singleModel("trm", base.resolve("trm").toString())),
        new ServingServer.Options("127.0.0.1", 0, 4, 60_000, 1 << 20, 0, null, 0, null, Sessions.config(), "serve"))) {
      int s = dims.seqLen();
      String rows = java.util.stream.IntStream.range(0, (int) testInputs.shape()[0])
          .mapToObj(i -> Arrays.stream(Arrays.copyOfRange(ints(testInputs), i * s, (i + 1) * s))
              .mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]")))
          .collect(Collectors.joining(","));
      String body = "{\"signature_name\": \"fixed_steps\", \"inputs\": {\"inputs\": [" + rows
          + "], \"puzzle_identifiers\": " + Arrays.toString(ints(testIds)) + "}}";
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/v1/models/trm:predict"))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
      List<Integer> served = new ArrayList<>();
      json.get("outputs").get("predictions").forEach(row -> row.forEach(v -> served.add(v.intValue())));
      assertThat(served).containsExactlyElementsIn(Arrays.stream(direct.predictions()).boxed().toList()).inOrder();
    }
    // trm predict on the dataset split, from the checkpoint: the same predictions and accuracy.
    double[] expected = accuracy(direct.predictions());
    Path out = dir.resolve("pred.npy");
    Path logits = dir.resolve("logits.npy");
    try (PuzzleSolver solver = PuzzleSolver.open(dir.resolve("run"), false);
        PuzzleSource source = PuzzleSources.open(data.resolve("test"), null)) {
      PredictJob.Report report = PredictJob.run(solver, source,
          new PredictJob.Options(out, logits, null, true, 0, 5));
      assertThat(report.exactAccuracy()).isWithin(1e-9).of(expected[0]);
      assertThat(report.tokenAccuracy()).isWithin(1e-9).of(expected[1]);
      assertThat(report.meanSteps()).isEqualTo(config.getArch().getHaltMaxSteps());
    }
    assertThat(Npy.read(out).readAllInts()).isEqualTo(direct.predictions());
    assertThat(Npy.read(logits).shape()).isEqualTo(new long[] {testInputs.shape()[0], dims.seqLen(),
        dims.vocabSize()});
    // ... and from a Sudoku CSV: the predicted grids come back in the answer column.
    Path csv = dir.resolve("test.csv");
    List<String> lines = new ArrayList<>(List.of("source,question,answer,rating"));
    int s = dims.seqLen();
    for (int i = 0; i < testInputs.shape()[0]; i++) {
      StringBuilder q = new StringBuilder();
      StringBuilder a = new StringBuilder();
      for (int j = 0; j < s; j++) {
        int t = ints(testInputs)[i * s + j];
        q.append(t == 1 ? '.' : (char) ('0' + t - 1));
        a.append((char) ('0' + testLabels[i * s + j] - 1));
      }
      lines.add("gen," + q + "," + a + ",0");
    }
    Files.write(csv, lines, StandardCharsets.UTF_8);
    Path csvOut = dir.resolve("pred.csv");
    try (PuzzleSolver solver = PuzzleSolver.open(base.resolve("trm/1"), false);
        PuzzleSource source = PuzzleSources.open(csv, null)) {
      PredictJob.Report report = PredictJob.run(solver, source,
          new PredictJob.Options(csvOut, null, null, true, 0, 64));
      assertThat(report.tokenAccuracy()).isWithin(1e-9).of(expected[1]);
    }
    List<String> written = Files.readAllLines(csvOut, StandardCharsets.UTF_8);
    assertThat(written.get(0)).isEqualTo("source,question,answer,rating");
    String firstAnswer = written.get(1).split(",")[2];
    StringBuilder want = new StringBuilder();
    for (int j = 0; j < s; j++) {
      int t = direct.predictions()[j];
      want.append(t >= 2 && t <= 10 ? (char) ('0' + t - 1) : '.');
    }
    assertThat(firstAnswer).isEqualTo(want.toString());
  }
}
