package dev.trm.datasets.maze;

import dev.trm.datasets.Permutations;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Seeded generator of "hard" mazes after the recipe HRM used (Lehnert et al.'s random-obstacle grids):
 * a {@code size x size} grid with a uniform number of walls in [3·⌊N/10⌋, 5·⌊N/10⌋] (N = size², so 270..450 for
 * 30x30) at random cells; S a random open cell (up to 100 tries per layout); G a random cell whose shortest path from
 * S has more than {@code minPath} cells, S and G included.
 *
 * <p><b>Unique labels.</b> Evaluation is exact match, so the shortest path must be unique. On random obstacle grids it
 * practically never is (an exhaustive search of 4000 30x30 layouts found 26k ordered pairs over 110 cells and not one
 * with a unique shortest path: any open 2x2 block on the way makes a tie). Rejection alone therefore cannot work; the
 * generator picks one shortest path at random and walls off the few cells where another shortest path would branch
 * off it. That leaves the path and its length intact and makes it the only shortest one; a maze whose total walls
 * would then exceed the recipe's maximum is rejected, and every accepted maze is re-checked by a fresh search.
 *
 * <p>Layouts are pre-screened with a few BFS "double sweeps" (a lower bound on the longest shortest path), which
 * skips the ~99% of layouts with no long path at all without trying 100 starts on each. Every maze has its own wall
 * layout, so mazes drawn for train and test from one generator have disjoint layouts.
 */
public final class MazeGenerator {
  /** Start cells tried per wall layout before drawing a new layout (as in the original recipe). */
  static final int STARTS_PER_LAYOUT = 100;
  /** Random starts of the double-sweep screen (a start may fall in a small component). */
  private static final int SWEEPS = 3;

  private final int size;
  private final int minPath;
  private final int maxWalls;
  private final SplittableRandom random;
  private final MazeBfs fromStart;
  private final MazeBfs fromGoal;
  private final Set<String> layouts = new HashSet<>();
  private long layoutsTried;
  private long tieWalls;
  private long accepted;

  public MazeGenerator(int size, int minPath, long seed) {
    if (size < 2 || minPath < 2 || minPath >= size * size) {
      throw new IllegalArgumentException("maze size must be >= 2 and minPath in [2, size^2), got " + size + ", " + minPath);
    }
    this.size = size;
    this.minPath = minPath;
    this.maxWalls = 5 * (size * size / 10);
    this.random = new SplittableRandom(seed);
    this.fromStart = new MazeBfs(size);
    this.fromGoal = new MazeBfs(size);
  }

  /** The next maze, on a wall layout no earlier maze of this generator used. */
  public Maze next() {
    int cells = size * size;
    while (true) {
      layoutsTried++;
      boolean[] wall = new boolean[cells];
      int walls = 3 * (cells / 10) + random.nextInt(2 * (cells / 10) + 1);
      for (int c : Permutations.choose(cells, walls, random)) {
        wall[c] = true;
      }
      if (!mayHaveLongPath(wall)) {
        continue;
      }
      Maze maze = mazeOnLayout(wall, walls);
      if (maze != null && layouts.add(maze.wallKey())) {
        accepted++;
        return maze;
      }
    }
  }

  /** Wall layouts drawn so far (accepted or not): the acceptance rate is mazes / layouts. */
  public long layoutsTried() {
    return layoutsTried;
  }

  /** Mean number of walls added per accepted maze to make its shortest path unique. */
  public double meanTieWalls() {
    return accepted == 0 ? 0 : (double) tieWalls / accepted;
  }

  /** True if a double sweep from one of a few random open cells finds a shortest path longer than minPath. */
  private boolean mayHaveLongPath(boolean[] wall) {
    for (int s = 0; s < SWEEPS; s++) {
      int first = randomOpen(wall);
      fromStart.run(wall, first);
      fromStart.run(wall, fromStart.farthest());
      if (fromStart.distance(fromStart.farthest()) + 1 > minPath) {
        return true;
      }
    }
    return false;
  }

  private int randomOpen(boolean[] wall) {
    while (true) {
      int c = random.nextInt(wall.length);
      if (!wall[c]) {
        return c;
      }
    }
  }

  private Maze mazeOnLayout(boolean[] wall, int walls) {
    List<Integer> goals = new ArrayList<>();
    for (int attempt = 0; attempt < STARTS_PER_LAYOUT; attempt++) {
      int start = randomOpen(wall);
      fromStart.run(wall, start);
      goals.clear();
      for (int cell = 0; cell < wall.length; cell++) {
        if (fromStart.distance(cell) + 1 > minPath) { // path cells = steps + 1
          goals.add(cell);
        }
      }
      if (goals.isEmpty()) {
        continue;
      }
      int goal = goals.get(random.nextInt(goals.size()));
      Maze maze = withUniquePath(wall.clone(), walls, start, goal);
      if (maze != null) {
        return maze;
      }
    }
    return null;
  }

  /**
   * Picks a random shortest path S..G, walls off every cell where another shortest path leaves it, and returns the
   * maze; null if that would exceed the wall budget. {@code fromStart} holds the search from S on entry.
   */
  private Maze withUniquePath(boolean[] wall, int walls, int start, int goal) {
    int length = fromStart.distance(goal);
    int[] path = new int[length + 1];
    path[length] = goal;
    for (int i = length; i > 0; i--) {
      path[i - 1] = fromStart.randomPrevious(path[i], random);
    }
    fromGoal.run(wall, goal);
    List<Integer> branches = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      for (int u : fromStart.neighbours(path[i])) {
        boolean onAShortestPath = u >= 0 && fromStart.distance(u) == i + 1 && fromGoal.distance(u) == length - i - 1;
        if (onAShortestPath && u != path[i + 1]) {
          branches.add(u);
        }
      }
    }
    if (walls + branches.size() > maxWalls) {
      return null;
    }
    branches.forEach(u -> wall[u] = true);
    fromStart.run(wall, start);
    if (fromStart.distance(goal) != length || !fromStart.unique(goal)) {
      throw new IllegalStateException("walling off the branches did not leave a unique shortest path");
    }
    tieWalls += branches.size();
    int[] question = new int[wall.length];
    for (int i = 0; i < wall.length; i++) {
      question[i] = wall[i] ? MazeCodec.WALL : MazeCodec.OPEN;
    }
    question[start] = MazeCodec.START;
    question[goal] = MazeCodec.GOAL;
    int[] answer = question.clone();
    for (int i = 1; i < length; i++) {
      answer[path[i]] = MazeCodec.PATH;
    }
    return new Maze(size, question, answer);
  }
}
