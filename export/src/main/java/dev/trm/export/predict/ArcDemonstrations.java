package dev.trm.export.predict;

import dev.trm.datasets.Identifiers;
import dev.trm.datasets.arc.ArcCanvas;
import dev.trm.datasets.arc.ArcDatasetBuilder;
import dev.trm.datasets.arc.ArcPair;
import dev.trm.datasets.arc.ArcPuzzleName;
import dev.trm.datasets.arc.ArcTask;
import dev.trm.datasets.arc.ArcTaskReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The demonstration pairs of the ARC puzzles of a dataset, in the augmentation each puzzle identifier names, as
 * canvas tokens: what a person needs beside a test input to see the task.
 */
public final class ArcDemonstrations {
  /** No demonstrations: for puzzles that are not ARC. */
  public static final ArcDemonstrations NONE = new ArcDemonstrations(List.of(), Map.of());

  private final List<String> identifiers;
  private final Map<String, ArcTask> tasks;

  private ArcDemonstrations(List<String> identifiers, Map<String, ArcTask> tasks) {
    this.identifiers = identifiers;
    this.tasks = tasks;
  }

  /**
   * The demonstrations of the ARC dataset that holds {@code input} (the dataset directory or one of its splits), or
   * {@link #NONE} if {@code input} is not part of an ARC dataset.
   */
  public static ArcDemonstrations find(Path input) {
    for (Path dir : new Path[] {input, input.toAbsolutePath().getParent()}) {
      if (dir != null && Files.isRegularFile(dir.resolve(ArcDatasetBuilder.TEST_PUZZLES_FILE))) {
        return new ArcDemonstrations(Identifiers.read(dir),
            ArcTaskReader.readTaskMap(dir.resolve(ArcDatasetBuilder.TEST_PUZZLES_FILE)).stream()
                .collect(Collectors.toMap(ArcTask::id, Function.identity(), (a, b) -> a)));
      }
    }
    return NONE;
  }

  /** The (input, output) canvases of the demonstrations of puzzle {@code puzzleId}; empty if it names no task. */
  public List<int[][]> of(int puzzleId) {
    List<int[][]> pairs = new ArrayList<>();
    if (puzzleId <= 0 || puzzleId >= identifiers.size()) {
      return pairs;  // 0 is the blank identifier
    }
    ArcPuzzleName name = ArcPuzzleName.parse(identifiers.get(puzzleId));
    ArcTask task = tasks.get(name.taskId());
    if (task == null) {
      return pairs;
    }
    for (ArcPair pair : task.train()) {
      ArcPair shown = pair.augment(name.augmentation());
      pairs.add(new int[][] {ArcCanvas.encode(shown.input(), 0, 0), ArcCanvas.encode(shown.output(), 0, 0)});
    }
    return pairs;
  }
}
