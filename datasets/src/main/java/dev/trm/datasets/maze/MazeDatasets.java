package dev.trm.datasets.maze;

import dev.trm.datasets.BuildReport;
import dev.trm.datasets.DatasetMetadata;
import dev.trm.datasets.DatasetWriter;
import dev.trm.datasets.Dihedral;
import dev.trm.datasets.Identifiers;
import dev.trm.datasets.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds maze datasets in the official layout: one example per puzzle, identifier 0; each train maze is a group
 * holding the maze and, with augmentation, its 7 other dihedral transforms; test mazes are never augmented.
 */
public final class MazeDatasets {
  private MazeDatasets() {}

  /**
   * Generates mazes per {@code spec} into {@code dir}, and also writes them as {@code dir/train.csv} and
   * {@code dir/test.csv} in the official CSV layout (so the set can be inspected and rebuilt with {@link #fromCsv}).
   */
  public static BuildReport generate(MazeGenerationSpec spec, Path dir) {
    return generate(spec, dir, Progress.NONE);
  }

  public static BuildReport generate(MazeGenerationSpec spec, Path dir, Progress progress) {
    MazeGenerator generator = new MazeGenerator(spec.size(), spec.minPath(), spec.seed());
    long start = System.nanoTime();
    List<Maze> train = draw(generator, spec.trainMazes(), "generating train mazes", progress);
    List<Maze> test = draw(generator, spec.testMazes(), "generating test mazes", progress);
    double seconds = (System.nanoTime() - start) / 1e9;
    MazeCsv.write(dir.resolve("train.csv"), "generated", train);
    MazeCsv.write(dir.resolve("test.csv"), "generated", test);
    int total = spec.trainMazes() + spec.testMazes();
    String note = String.format("generated %d %dx%d mazes (shortest path > %d cells, unique) in %.1f s: %.1f mazes/s,"
        + " %d wall layouts drawn (%.2f%% accepted), %.1f walls per maze added to break ties; CSVs in %s", total,
        spec.size(), spec.size(), spec.minPath(), seconds, total / seconds, generator.layoutsTried(),
        100.0 * total / generator.layoutsTried(), generator.meanTieWalls(), dir);
    return write(dir, train, test, spec.dihedralAug(), List.of(note));
  }

  /** Builds from {@code inputDir/train.csv} and {@code inputDir/test.csv} (the official files) into {@code dir}. */
  public static BuildReport fromCsv(Path inputDir, Path dir, boolean dihedralAug) {
    List<Maze> train = MazeCsv.read(inputDir.resolve("train.csv"));
    List<Maze> test = MazeCsv.read(inputDir.resolve("test.csv"));
    if (train.get(0).size() != test.get(0).size()) {
      throw new IllegalArgumentException(inputDir + ": train mazes are " + train.get(0).size() + " wide, test mazes "
          + test.get(0).size());
    }
    return write(dir, train, test, dihedralAug, List.of());
  }

  private static List<Maze> draw(MazeGenerator generator, int count, String phase, Progress progress) {
    List<Maze> mazes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      mazes.add(generator.next());
      progress.update(phase, i + 1, count);
    }
    return mazes;
  }

  private static BuildReport write(Path dir, List<Maze> train, List<Maze> test, boolean aug, List<String> notes) {
    DatasetMetadata trainMeta = writeSplit(dir, "train", train, aug);
    DatasetMetadata testMeta = writeSplit(dir, "test", test, false);
    Identifiers.write(dir, List.of(Identifiers.BLANK));
    return new BuildReport(dir, trainMeta, testMeta, notes);
  }

  private static DatasetMetadata writeSplit(Path dir, String split, List<Maze> mazes, boolean aug) {
    int size = mazes.get(0).size();
    try (DatasetWriter w = DatasetWriter.create(dir, split, size * size)) {
      for (Maze maze : mazes) {
        w.beginGroup();
        for (int id = 0; id < (aug ? 8 : 1); id++) {
          Maze m = maze.transformed(Dihedral.of(id));
          w.beginPuzzle(0);
          w.addExample(m.question(), m.answer());
        }
      }
      return w.finish(DatasetMetadata.template(MazeCodec.VOCAB_SIZE, size * size, 1));
    }
  }
}
