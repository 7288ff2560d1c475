package dev.trm.model.torch;

import dev.trm.model.ModelDims;
import dev.trm.model.ParamSpec;
import dev.trm.model.ParamValues;
import dev.trm.model.Safetensors;
import dev.trm.model.TrmShape;
import dev.trm.model.ModelTensors;
import dev.trm.model.WeightTensor;
import dev.trm.model.config.ArchConfig;
import dev.trm.model.config.PosEncoding;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Official PyTorch weights in: reads a {@code torch.save(state_dict)} archive or a {@code .safetensors} file, maps
 * every key to the model's tensor names, and
 * checks the result against the config, naming every missing, unexpected or misshapen key.
 */
public final class StateDicts {
  private StateDicts() {}

  /** Every tensor of {@code file} under its canonical (prefix-free) name, in file order; the format is sniffed. */
  public static LinkedHashMap<String, WeightTensor> read(Path file) {
    byte[] head = new byte[8];
    try (InputStream in = Files.newInputStream(file)) {
      int n = in.readNBytes(head, 0, 8);
      if (n < 8) {
        throw new IllegalArgumentException(file + ": too short to be a checkpoint (" + n + " bytes)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
    }
    if (TorchCheckpoint.looksLikeZip(head)) {
      return canonical(file, TorchCheckpoint.read(file));
    }
    // Legacy torch.save: a pickle (PROTO 2) whose first value is the LONG1 magic number.
    if ((head[0] & 0xff) == 0x80 && head[1] == 2 && (head[2] & 0xff) == 0x8a) {
      throw new IllegalArgumentException(file + ": a legacy (pre-1.6, non-zip) torch.save file; re-save it with "
          + "torch.save(state_dict, path) from PyTorch >= 1.6, or as .safetensors");
    }
    return new LinkedHashMap<>(Safetensors.read(file));
  }

  private static LinkedHashMap<String, WeightTensor> canonical(Path file, Map<String, WeightTensor> raw) {
    LinkedHashMap<String, WeightTensor> out = new LinkedHashMap<>();
    raw.forEach((key, w) -> {
      if (out.put(ModelTensors.canonical(key), w) != null) {
        throw new IllegalArgumentException(file + ": key '" + ModelTensors.canonical(key)
            + "' appears both with and without the prefix " + ModelTensors.OFFICIAL_PREFIX);
      }
    });
    return out;
  }

  /**
   * The model's tensors from {@code weights} in official order, after checking that they are exactly the tensors
   * of {@code arch} and {@code dims} with their shapes (an IllegalArgumentException lists every difference).
   */
  public static LinkedHashMap<String, WeightTensor> forModel(String source, Map<String, WeightTensor> weights,
      ArchConfig arch, ModelDims dims) {
    List<ParamSpec> specs = ModelTensors.specs(arch, dims);
    ParamValues.check(source, specs, weights);
    LinkedHashMap<String, WeightTensor> out = new LinkedHashMap<>();
    specs.forEach(s -> out.put(s.name(), weights.get(s.name())));
    return out;
  }

  /**
   * The dataset sizes the weights imply: vocabulary from the token embedding, puzzle identifiers from the puzzle
   * table (1 without one), and the sequence length from the token mixer or learned positions when the model has
   * them, else {@code seqLen} (which must then be given: attention with RoPE fixes no length).
   */
  public static ModelDims inferDims(Path file, Map<String, WeightTensor> weights, ArchConfig arch, int seqLen) {
    WeightTensor embed = weights.get(ModelTensors.EMBED_TOKENS);
    if (embed == null || embed.shape().length != 2) {
      throw new IllegalArgumentException(file + ": no 2-d '" + ModelTensors.EMBED_TOKENS + "' to read the vocabulary"
          + " size from");
    }
    WeightTensor table = weights.get(ModelTensors.PUZZLE_EMB);
    int ids = table == null || table.shape().length != 2 ? 1 : (int) table.shape()[0];
    int total = -1;
    WeightTensor mixer = weights.get(ModelTensors.layer(0, "mlp_t.gate_up_proj.weight"));
    WeightTensor pos = weights.get(ModelTensors.EMBED_POS);
    if (arch.getMlpT() && mixer != null && mixer.shape().length == 2) {
      total = (int) mixer.shape()[1];
    } else if (arch.getPosEncodings() == PosEncoding.LEARNED && pos != null && pos.shape().length == 2) {
      total = (int) pos.shape()[0];
    }
    if (total > 0) {
      int prefix = TrmShape.of(arch, new ModelDims((int) embed.shape()[0], 1, ids)).puzzleEmbLen();
      int implied = total - prefix;
      if (seqLen > 0 && seqLen != implied) {
        throw new IllegalArgumentException(file + ": the weights fix seq_len " + implied + " (length " + total
            + " minus " + prefix + " prefix slots), not the " + seqLen + " given");
      }
      seqLen = implied;
    }
    if (seqLen <= 0) {
      throw new IllegalArgumentException(file + ": the weights of an attention model do not fix the sequence "
          + "length: give --seq-len or --data DIR");
    }
    return new ModelDims((int) embed.shape()[0], seqLen, ids);
  }
}
