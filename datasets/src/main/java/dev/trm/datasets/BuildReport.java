package dev.trm.datasets;

import java.nio.file.Path;
import java.util.List;

/**
 * What a dataset builder wrote: the directory, each split's metadata, and notes worth printing (rows skipped,
 * generation rates...).
 */
public record BuildReport(Path dir, DatasetMetadata train, DatasetMetadata test, List<String> notes) {
  public BuildReport {
    notes = List.copyOf(notes);
  }

  /** A few lines for a console. */
  public String summary() {
    StringBuilder s = new StringBuilder("wrote ").append(dir).append('\n');
    s.append(split("train", train)).append(split("test", test));
    notes.forEach(n -> s.append("  ").append(n).append('\n'));
    return s.toString();
  }

  private static String split(String name, DatasetMetadata m) {
    long examples = Math.round(m.meanPuzzleExamples() * m.totalPuzzles());
    return String.format("  %-5s: %d examples, %d puzzles, %d groups (seq_len %d, vocab %d)%n", name, examples,
        m.totalPuzzles(), m.totalGroups(), m.seqLen(), m.vocabSize());
  }
}
