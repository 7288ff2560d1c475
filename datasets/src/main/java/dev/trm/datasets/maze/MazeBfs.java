package dev.trm.datasets.maze;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Breadth-first search over the open cells of a square grid (4-neighbour, unit steps) that also counts shortest
 * paths, saturating at 2: a cell with count 1 has a unique shortest path from the source. Buffers are reused.
 */
final class MazeBfs {
  private final int size;
  private final int[] distance;
  private final byte[] ways;
  private final int[] queue;
  private int farthest;

  MazeBfs(int size) {
    this.size = size;
    this.distance = new int[size * size];
    this.ways = new byte[size * size];
    this.queue = new int[size * size];
  }

  /** Runs from {@code source}; {@code wall[i]} marks blocked cells. */
  void run(boolean[] wall, int source) {
    Arrays.fill(distance, -1);
    Arrays.fill(ways, (byte) 0);
    int head = 0;
    int tail = 0;
    distance[source] = 0;
    ways[source] = 1;
    queue[tail++] = source;
    while (head < tail) {
      int v = queue[head++];
      farthest = v;
      int r = v / size;
      int c = v % size;
      if (r > 0) {
        tail = relax(wall, v, v - size, tail);
      }
      if (r < size - 1) {
        tail = relax(wall, v, v + size, tail);
      }
      if (c > 0) {
        tail = relax(wall, v, v - 1, tail);
      }
      if (c < size - 1) {
        tail = relax(wall, v, v + 1, tail);
      }
    }
  }

  private int relax(boolean[] wall, int from, int to, int tail) {
    if (wall[to]) {
      return tail;
    }
    if (distance[to] < 0) {
      distance[to] = distance[from] + 1;
      ways[to] = ways[from];
      queue[tail++] = to;
    } else if (distance[to] == distance[from] + 1) {
      ways[to] = (byte) Math.min(2, ways[to] + ways[from]);
    }
    return tail;
  }

  /** Steps from the source (-1 if unreachable). */
  int distance(int cell) {
    return distance[cell];
  }

  /** True if exactly one shortest path leads from the source to {@code cell}. */
  boolean unique(int cell) {
    return ways[cell] == 1;
  }

  /** The last cell reached by the last search (one of the farthest from the source). */
  int farthest() {
    return farthest;
  }

  /** The up to 4 in-grid neighbours of {@code cell}; -1 marks a side off the grid. */
  int[] neighbours(int cell) {
    int r = cell / size;
    int c = cell % size;
    return new int[] {r > 0 ? cell - size : -1, r < size - 1 ? cell + size : -1, c > 0 ? cell - 1 : -1,
        c < size - 1 ? cell + 1 : -1};
  }

  /** A random neighbour one step closer to the source: walking these back from a cell gives a random shortest path. */
  int randomPrevious(int cell, SplittableRandom random) {
    int d = distance[cell];
    int[] closer = new int[4];
    int n = 0;
    for (int u : neighbours(cell)) {
      if (u >= 0 && distance[u] == d - 1) {
        closer[n++] = u;
      }
    }
    if (n == 0) {
      throw new IllegalStateException("cell " + cell + " is not reachable from the source");
    }
    return closer[random.nextInt(n)];
  }
}
