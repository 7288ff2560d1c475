package dev.trm.cli;

import dev.trm.datasets.DatasetMetadata;
import dev.trm.export.SavedModelExporter;
import dev.trm.model.torch.StateDicts;
import dev.trm.model.ModelDims;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.ConfigLoader;
import dev.trm.model.config.TrmConfig;
import dev.trm.training.Checkpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trm import-torch}: official PyTorch weights as a SavedModel and/or a checkpoint to fine-tune from. */
@Command(name = "import-torch", mixinStandardHelpOptions = true,
    description = {"Import an official PyTorch checkpoint (torch.save(state_dict) zip, fp32 or bf16, keys with or "
        + "without _orig_mod.model.inner.) or a .safetensors file: every key is mapped to the model and checked "
        + "against the config; then it is exported as a SavedModel (--out) and/or written as a trm-java checkpoint "
        + "(--checkpoint-out) that trm train --resume fine-tunes from."})
public final class ImportTorchCommand implements Callable<Integer> {
  @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "The .pt/.pth or .safetensors.")
  Path checkpoint;

  @Option(names = "--config", required = true, paramLabel = "CFG", description = "The config the weights belong to.")
  Path config;

  @Option(names = "--out", paramLabel = "DIR", description = "Export a SavedModel under this base directory.")
  Path out;

  @Option(names = "--checkpoint-out", paramLabel = "DIR", description = "Write a trm-java checkpoint here.")
  Path checkpointOut;

  @Option(names = "--data", paramLabel = "DIR",
      description = "The dataset the weights were trained on: its dataset.json gives vocab, seq_len, puzzle ids.")
  Path data;

  @Option(names = "--seq-len", defaultValue = "0", paramLabel = "N",
      description = "Cells per puzzle, when there is no --data (81 Sudoku, 900 Maze/ARC).")
  int seqLen;

  @Option(names = "--name", defaultValue = "trm", description = "Model name for --out (default: ${DEFAULT-VALUE}).")
  String name;

  @Option(names = "--version", paramLabel = "N", description = "Version for --out (default: next free).")
  Long version;

  @Override
  public Integer call() {
    if (out == null && checkpointOut == null) {
      throw new IllegalArgumentException("give --out DIR (SavedModel) and/or --checkpoint-out DIR (trm checkpoint)");
    }
    TrmConfig cfg = ConfigLoader.load(config);
    LinkedHashMap<String, WeightTensor> raw = StateDicts.read(checkpoint);
    ModelDims dims = data != null ? dimsOf(data) : StateDicts.inferDims(checkpoint, raw, cfg.getArch(), seqLen);
    Map<String, WeightTensor> weights = StateDicts.forModel(checkpoint.toString(), raw, cfg.getArch(), dims);
    System.out.println("read " + weights.size() + " tensors from " + checkpoint + " for " + config.getFileName()
        + " (vocab " + dims.vocabSize() + ", seq_len " + dims.seqLen() + ", " + dims.numPuzzleIdentifiers()
        + " puzzle ids)");
    if (checkpointOut != null) {
      System.out.println("wrote checkpoint " + Checkpoints.writeWeightsOnly(checkpointOut, cfg, dims, weights));
    }
    if (out != null) {
      long v = version != null ? version : ExportCommand.nextVersion(out.resolve(name));
      SavedModelExporter.Result r = SavedModelExporter.export(cfg, dims, weights, out, name, v);
      System.out.println("exported " + r.versionDir() + " (" + r.modelsConfig() + ")");
      System.out.println("  " + r.serveCommand());
    }
    return 0;
  }

  /** The sizes of a dataset directory (its train split's dataset.json) or of a split directory. */
  private static ModelDims dimsOf(Path data) {
    Path json = Files.exists(data.resolve(DatasetMetadata.FILE_NAME)) ? data.resolve(DatasetMetadata.FILE_NAME)
        : data.resolve("train").resolve(DatasetMetadata.FILE_NAME);
    DatasetMetadata m = DatasetMetadata.read(json);
    return new ModelDims(m.vocabSize(), m.seqLen(), m.numPuzzleIdentifiers());
  }
}
