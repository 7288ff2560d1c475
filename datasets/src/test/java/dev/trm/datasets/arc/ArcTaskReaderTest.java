package dev.trm.datasets.arc;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.datasets.DatasetFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArcTaskReaderTest {
  @TempDir Path dir;

  private Path write(String name, String json) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, json);
  }

  private static final String TASK = """
      {"test": [{"input": [[1]], "output": [[2]]}],
       "train": [{"input": [[1, 0], [0, 1]], "output": [[2, 0], [0, 2]]}, {"input": [[3]], "output": [[4]]}],
       "name": "ignored"}""";

  @Test
  void readsATaskFileKeepingTheSectionOrder() throws IOException {
    ArcTask task = ArcTaskReader.readTaskFile(write("abc.json", TASK));
    assertThat(task.id()).isEqualTo("abc");
    assertThat(task.train()).hasSize(2);
    assertThat(task.train().get(0).input()).isEqualTo(ArcGrid.of(new int[][] {{1, 0}, {0, 1}}));
    assertThat(task.test().get(0).output()).isEqualTo(ArcGrid.of(new int[][] {{2}}));
    assertThat(task.testListedFirst()).isTrue();
    assertThat(task.pairsInFileOrder().get(0)).isEqualTo(task.test().get(0));
    assertThat(task.toJson().keySet()).containsExactly("test", "train").inOrder();
  }

  @Test
  void readsAFolderRecursivelyInPathOrder() throws IOException {
    write("b/x2.json", TASK);
    write("a/x1.json", TASK);
    write("a/notes.txt", "not a task");
    assertThat(ArcTaskReader.readTaskFolder(dir).stream().map(ArcTask::id).toList())
        .containsExactly("x1", "x2").inOrder();
  }

  @Test
  void readsKaggleFilesWithSolutionsOrDummies() throws IOException {
    Path challenges = write("c.json", """
        {"t2": {"test": [{"input": [[1]]}, {"input": [[2]]}], "train": [{"input": [[1]], "output": [[3]]}]},
         "t1": {"train": [{"input": [[5]], "output": [[6]]}], "test": [{"input": [[7]]}]}}""");
    Path solutions = write("s.json", """
        {"t1": [[[8]]], "t2": [[[4]], [[5, 5]]]}""");
    List<ArcTask> tasks = ArcTaskReader.readKaggle(challenges, solutions);
    assertThat(tasks.stream().map(ArcTask::id).toList()).containsExactly("t2", "t1").inOrder();
    assertThat(tasks.get(0).test().get(1).output()).isEqualTo(ArcGrid.of(new int[][] {{5, 5}}));
    assertThat(tasks.get(0).testListedFirst()).isTrue();
    assertThat(tasks.get(1).testListedFirst()).isFalse();

    List<ArcTask> hidden = ArcTaskReader.readKaggle(challenges, null);
    assertThat(hidden.get(0).test().get(1).output()).isEqualTo(ArcGrid.of(new int[][] {{0}}));
  }

  @Test
  void readsTheTaskMapItWrites() throws IOException {
    ArcTask task = ArcTaskReader.readTaskFile(write("abc.json", TASK));
    Path map = write("map.json", new com.fasterxml.jackson.databind.ObjectMapper()
        .writeValueAsString(java.util.Map.of("abc", task.toJson())));
    assertThat(ArcTaskReader.readTaskMap(map)).containsExactly(task);
  }

  private String errorFor(String json) throws IOException {
    Path file = write("bad.json", json);
    return assertThrows(DatasetFormatException.class, () -> ArcTaskReader.readTaskFile(file)).getMessage();
  }

  @Test
  void namesFileTaskAndFieldOfBadInput() throws IOException {
    assertThat(errorFor("{\"train\": [}")).containsMatch("bad.json: malformed JSON at line 1, column \\d+");
    assertThat(errorFor("""
        {"train": [{"input": [[1, 2], [3]], "output": [[1]]}], "test": [{"input": [[1]], "output": [[1]]}]}"""))
        .contains("bad.json: task bad: train[0].input: grid is not rectangular: row 0 has 2 cells, row 1 has 1");
    assertThat(errorFor("""
        {"train": [{"input": [[1]], "output": [[1]]}], "test": [{"input": [[1]], "output": [[10]]}]}"""))
        .contains("task bad: test[0].output: grid cell (0, 0) has colour 10");
    assertThat(errorFor("""
        {"train": [{"input": [[1]], "output": [[1.5]]}], "test": [{"input": [[1]], "output": [[1]]}]}"""))
        .contains("train[0].output: cell (0, 0) is 1.5, not a colour 0..9");
    assertThat(errorFor("""
        {"train": [{"input": [[1]]}], "test": [{"input": [[1]], "output": [[1]]}]}"""))
        .contains("train[0].output: missing");
    assertThat(errorFor("""
        {"train": [{"input": [[1]], "output": [[1]]}], "test": []}"""))
        .contains("needs at least one train pair and one test pair");
    assertThat(errorFor("{\"train\": [], \"tests\": []}")).contains("needs a \"train\" list and a \"test\" list");
    assertThat(errorFor("""
        {"train": [{"input": [[]], "output": [[1]]}], "test": [{"input": [[1]], "output": [[1]]}]}"""))
        .contains("train[0].input: grid is 1x0");
    String tall = "[" + "[1],".repeat(30) + "[1]]";
    assertThat(errorFor("{\"train\": [{\"input\": " + tall + ", \"output\": [[1]]}], \"test\": [{\"input\": [[1]], "
        + "\"output\": [[1]]}]}")).contains("train[0].input: grid is 31x1; each side must be 1..30");
  }

  @Test
  void namesTheTaskOfBadSolutions() throws IOException {
    Path challenges = write("c.json", """
        {"t1": {"train": [{"input": [[5]], "output": [[6]]}], "test": [{"input": [[7]]}, {"input": [[7]]}]}}""");
    Path shortSolutions = write("s1.json", "{\"t1\": [[[8]]]}");
    assertThat(assertThrows(DatasetFormatException.class, () -> ArcTaskReader.readKaggle(challenges, shortSolutions))
        .getMessage()).contains("c.json: task t1: 2 test inputs but 1 solution grids");
    Path missing = write("s2.json", "{}");
    assertThat(assertThrows(DatasetFormatException.class, () -> ArcTaskReader.readKaggle(challenges, missing))
        .getMessage()).contains("s2.json: no solutions for task t1");
  }

  @Test
  void reportsMissingSourcesAndUnknownSubsets() {
    assertThat(assertThrows(DatasetFormatException.class, () -> ArcTaskReader.readTaskFolder(dir.resolve("none")))
        .getMessage()).contains("does not exist");
    assertThat(assertThrows(IllegalArgumentException.class, () -> new ArcSources(dir).resolve("arc-agi-3"))
        .getMessage()).contains("unknown ARC subset 'arc-agi-3'");
    assertThat(assertThrows(DatasetFormatException.class, () -> new ArcSources(dir).resolve("kaggle/training"))
        .getMessage()).contains("arc-agi_training_challenges.json: file does not exist");
  }
}
