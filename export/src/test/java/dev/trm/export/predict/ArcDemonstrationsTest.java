package dev.trm.export.predict;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.datasets.Identifiers;
import dev.trm.datasets.Progress;
import dev.trm.datasets.arc.ArcCanvas;
import dev.trm.datasets.arc.ArcDatasetBuilder;
import dev.trm.datasets.arc.ArcPair;
import dev.trm.datasets.arc.ArcPuzzleName;
import dev.trm.datasets.arc.ArcSources;
import dev.trm.datasets.arc.ArcSubset;
import dev.trm.datasets.arc.ArcTask;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Demonstration pairs are found for a puzzle identifier in the augmentation it names. */
class ArcDemonstrationsTest {
  @TempDir Path tmp;

  @Test
  void demonstrationsOfEachTestPuzzleInItsAugmentation() {
    Path shared = Path.of(System.getProperty("trm.shared", "../../shared")).resolve("data/arc");
    List<ArcSubset> arc1 = new ArcSources(shared).resolve("arc-agi-1");
    ArcSubset training = new ArcSubset("few/training", arc1.get(0).tasks().subList(0, 1), true);
    ArcSubset evaluation = new ArcSubset("few/evaluation", arc1.get(1).tasks().subList(0, 2), true);
    Path out = tmp.resolve("arc");
    new ArcDatasetBuilder(List.of(training, evaluation), "evaluation", 2, 42).build(out, Progress.NONE);

    ArcDemonstrations demos = ArcDemonstrations.find(out.resolve("test"));
    assertThat(ArcDemonstrations.find(tmp)).isSameInstanceAs(ArcDemonstrations.NONE);
    List<String> ids = Identifiers.read(out);
    int checked = 0;
    for (int id = 1; id < ids.size(); id++) {
      ArcPuzzleName name = ArcPuzzleName.parse(ids.get(id));
      ArcTask task = evaluation.tasks().stream().filter(t -> t.id().equals(name.taskId())).findFirst().orElse(null);
      if (task == null) {
        continue;  // a training task's puzzle
      }
      List<int[][]> pairs = demos.of(id);
      assertThat(pairs).hasSize(task.train().size());
      ArcPair first = task.train().get(0).augment(name.augmentation());
      assertThat(pairs.get(0)[0]).isEqualTo(ArcCanvas.encode(first.input(), 0, 0));
      assertThat(pairs.get(0)[1]).isEqualTo(ArcCanvas.encode(first.output(), 0, 0));
      checked++;
    }
    assertThat(checked).isAtLeast(2);
    assertThat(demos.of(0)).isEmpty();
  }
}
