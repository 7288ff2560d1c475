package dev.trm.training;

import dev.trm.datasets.BuildReport;
import dev.trm.datasets.DurableFiles;
import dev.trm.datasets.OutputDirectory;
import dev.trm.datasets.Progress;
import dev.trm.datasets.maze.MazeDatasets;
import dev.trm.datasets.maze.MazeGenerationSpec;
import dev.trm.datasets.sudoku.SudokuDatasets;
import dev.trm.datasets.sudoku.SudokuGenerationSpec;
import dev.trm.model.config.DataConfig;
import dev.trm.model.config.MazeGeneration;
import dev.trm.model.config.SudokuGeneration;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes sure the config's dataset exists: an existing {@code data.path} is used as it is, unless the config has a
 * {@code generate_sudoku} or {@code generate_maze} block that the dataset does not match ({@link GeneratedDatasetCheck});
 * a missing one is generated first from that block. Generation writes to a
 * temporary sibling that is renamed into place, so an interrupted run never leaves a half-written dataset behind.
 */
final class DatasetPreparation {
  private DatasetPreparation() {}

  /** The dataset directory of {@code data}, generated first if needed. */
  static Path ensure(DataConfig data, PrintStream out) {
    Path dir = Path.of(data.getPath());
    if (Files.isDirectory(dir.resolve("train")) && Files.isDirectory(dir.resolve("test"))) {
      if (data.hasGenerateSudoku() || data.hasGenerateMaze()) {
        GeneratedDatasetCheck.check(dir, data);
      }
      return dir;
    }
    if (!data.hasGenerateSudoku() && !data.hasGenerateMaze()) {
      throw new IllegalArgumentException("dataset " + dir + " not found (expected " + dir.resolve("train") + " and "
          + dir.resolve("test") + "); build it with `trm build-dataset`, or add a generate_sudoku/generate_maze "
          + "block to the config's data section");
    }
    if (Files.exists(dir)) {
      throw new IllegalArgumentException("dataset " + dir + " exists but lacks train/ or test/; remove it to have "
          + "it generated again");
    }
    Path tmp = DurableFiles.temporaryFor(dir, DurableFiles.PARTIAL);
    DurableFiles.removeLeftovers(tmp.getParent(), out::println);
    Progress progress = Progress.printingTo(out, 5_000);
    long start = System.nanoTime();
    out.println("generating dataset " + dir + " ...");
    BuildReport report;
    try {
      report = data.hasGenerateSudoku()
          ? SudokuDatasets.generate(sudoku(data.getGenerateSudoku()), tmp, progress)
          : MazeDatasets.generate(maze(data.getGenerateMaze()), tmp, progress);
      GeneratedDatasetCheck.record(tmp, data);
      Files.createDirectories(dir.toAbsolutePath().getParent());
      DurableFiles.publish(tmp, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move generated dataset into " + dir + ": " + e.getMessage(), e);
    } finally {
      OutputDirectory.deleteTree(tmp); // gone after the move; a failed generation leaves no partial dataset
    }
    out.print(report.summary().replace(tmp.toString(), dir.toString()));
    out.printf("dataset generated in %.1f s%n", (System.nanoTime() - start) / 1e9);
    return dir;
  }

  private static SudokuGenerationSpec sudoku(SudokuGeneration g) {
    return new SudokuGenerationSpec(g.getSize(), g.getGivens(), g.getTrainPuzzles(), g.getTestPuzzles(),
        g.getAugmentations(), g.getSeed());
  }

  private static MazeGenerationSpec maze(MazeGeneration g) {
    return new MazeGenerationSpec(g.getSize(), g.getMinPath(), g.getTrainMazes(), g.getTestMazes(),
        g.getDihedralAug(), g.getSeed());
  }
}
