package dev.trm.datasets.maze;

/**
 * What to generate (mirrors the config's {@code generate_maze} block, which datasets cannot see).
 *
 * @param size side of the square grid; 30 for Maze-Hard
 * @param minPath the shortest path must have more than this many cells, S and G included; 110 for Maze-Hard
 * @param dihedralAug add the 7 other dihedral transforms of each train maze (official default: off)
 */
public record MazeGenerationSpec(int size, int minPath, int trainMazes, int testMazes, boolean dihedralAug, long seed) {
  /** Maze-Hard: 30x30, paths over 110 cells, 1000 + 1000 mazes, no augmentation. */
  public static MazeGenerationSpec hard(long seed) {
    return new MazeGenerationSpec(30, 110, 1000, 1000, false, seed);
  }

  public MazeGenerationSpec {
    if (size < 2) {
      throw new IllegalArgumentException("maze size must be >= 2, got " + size);
    }
    if (minPath < 2 || minPath >= size * size) {
      throw new IllegalArgumentException("min path must be in [2, " + size * size + "), got " + minPath);
    }
    if (trainMazes <= 0 || testMazes <= 0) {
      throw new IllegalArgumentException("train and test mazes must be positive, got " + trainMazes + ", " + testMazes);
    }
  }
}
