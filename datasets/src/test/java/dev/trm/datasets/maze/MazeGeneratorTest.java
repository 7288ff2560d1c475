package dev.trm.datasets.maze;

import static com.google.common.truth.Truth.assertThat;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MazeGeneratorTest {
  /** Independent check: BFS from S counting shortest paths (saturated at 2); returns {steps to G, paths}. */
  static int[] shortestPathsToGoal(Maze m) {
    int n = m.size();
    int[] q = m.question();
    int start = -1;
    int goal = -1;
    for (int i = 0; i < q.length; i++) {
      start = q[i] == MazeCodec.START ? i : start;
      goal = q[i] == MazeCodec.GOAL ? i : goal;
    }
    int[] dist = new int[q.length];
    int[] count = new int[q.length];
    Arrays.fill(dist, -1);
    dist[start] = 0;
    count[start] = 1;
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    queue.add(start);
    while (!queue.isEmpty()) {
      int v = queue.poll();
      int[][] moves = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
      for (int[] d : moves) {
        int r = v / n + d[0];
        int c = v % n + d[1];
        if (r < 0 || c < 0 || r >= n || c >= n || q[r * n + c] == MazeCodec.WALL) {
          continue;
        }
        int u = r * n + c;
        if (dist[u] < 0) {
          dist[u] = dist[v] + 1;
          count[u] = count[v];
          queue.add(u);
        } else if (dist[u] == dist[v] + 1) {
          count[u] = Math.min(2, count[u] + count[v]);
        }
      }
    }
    return new int[] {dist[goal], count[goal]};
  }

  /** The marked cells form a walk S -> G through 4-neighbours, each visited once. */
  static void assertLabelIsAPath(Maze m) {
    int n = m.size();
    int[] a = m.answer();
    int[] q = m.question();
    int cell = -1;
    for (int i = 0; i < a.length; i++) {
      cell = a[i] == MazeCodec.START ? i : cell;
      if (a[i] != q[i]) {
        assertThat(q[i]).isEqualTo(MazeCodec.OPEN);
        assertThat(a[i]).isEqualTo(MazeCodec.PATH);
      }
    }
    Set<Integer> visited = new HashSet<>();
    int steps = 0;
    while (a[cell] != MazeCodec.GOAL) {
      visited.add(cell);
      int next = -1;
      for (int u : new int[] {cell - n, cell + n, cell % n > 0 ? cell - 1 : -1, cell % n < n - 1 ? cell + 1 : -1}) {
        if (u >= 0 && u < a.length && !visited.contains(u) && (a[u] == MazeCodec.PATH || a[u] == MazeCodec.GOAL)) {
          assertThat(next).isEqualTo(-1); // the marked path never branches
          next = u;
        }
      }
      assertThat(next).isAtLeast(0);
      cell = next;
      steps++;
    }
    assertThat(steps + 1).isEqualTo(m.pathCells());
  }

  @Test
  void hardMazesHaveAUniqueShortestPathLongerThan110CellsAndItIsTheLabel() {
    MazeGenerator g = new MazeGenerator(30, 110, 1);
    Set<String> layouts = new HashSet<>();
    for (int i = 0; i < 12; i++) {
      Maze m = g.next();
      int[] paths = shortestPathsToGoal(m);
      assertThat(paths[0] + 1).isGreaterThan(110);
      assertThat(paths[1]).isEqualTo(1);
      assertThat(m.pathCells()).isEqualTo(paths[0] + 1);
      assertLabelIsAPath(m);
      int walls = (int) Arrays.stream(m.question()).filter(t -> t == MazeCodec.WALL).count();
      assertThat(walls).isAtLeast(270);
      assertThat(walls).isAtMost(450);
      assertThat(layouts.add(m.wallKey())).isTrue();
    }
  }

  @Test
  void smallMazesToo() {
    MazeGenerator g = new MazeGenerator(10, 20, 2);
    for (int i = 0; i < 30; i++) {
      Maze m = g.next();
      int[] paths = shortestPathsToGoal(m);
      assertThat(paths[0] + 1).isGreaterThan(20);
      assertThat(paths[1]).isEqualTo(1);
      assertLabelIsAPath(m);
    }
  }

  @Test
  void sameSeedSameMazes() {
    assertThat(new MazeGenerator(12, 25, 5).next().answer()).isEqualTo(new MazeGenerator(12, 25, 5).next().answer());
  }
}
