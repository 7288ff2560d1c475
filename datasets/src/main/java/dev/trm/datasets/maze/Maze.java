package dev.trm.datasets.maze;

import dev.trm.datasets.Dihedral;

/**
 * A square maze and its solution as token grids (row-major, {@link MazeCodec} ids): the question has walls, open
 * cells, S and G; the answer is the question with the shortest path's interior cells marked {@link MazeCodec#PATH}.
 */
public record Maze(int size, int[] question, int[] answer) {
  public Maze {
    if (question.length != size * size || answer.length != size * size) {
      throw new IllegalArgumentException("a " + size + "x" + size + " maze needs " + size * size + " cells");
    }
    question = question.clone();
    answer = answer.clone();
  }

  @Override
  public int[] question() {
    return question.clone();
  }

  @Override
  public int[] answer() {
    return answer.clone();
  }

  /** Cells on the marked path, S and G included (the official CSV's {@code rating}). */
  public int pathCells() {
    int n = 2;
    for (int t : answer) {
      n += t == MazeCodec.PATH ? 1 : 0;
    }
    return n;
  }

  /** This maze under a dihedral transform (question and answer alike). */
  public Maze transformed(Dihedral d) {
    return new Maze(size, d.apply(question, size, size), d.apply(answer, size, size));
  }

  /** The walls as a bit set key, to tell layouts apart. */
  public String wallKey() {
    StringBuilder s = new StringBuilder(question.length);
    for (int t : question) {
      s.append(t == MazeCodec.WALL ? '#' : '.');
    }
    return s.toString();
  }
}
