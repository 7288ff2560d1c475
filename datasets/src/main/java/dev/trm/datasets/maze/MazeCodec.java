package dev.trm.datasets.maze;

/**
 * The official maze alphabet {@code "# SGo"} and its token ids 1..5 (PAD = 0): wall, open, start, goal, path.
 */
public final class MazeCodec {
  public static final String CHARSET = "# SGo";
  public static final int WALL = 1;
  public static final int OPEN = 2;
  public static final int START = 3;
  public static final int GOAL = 4;
  public static final int PATH = 5;
  /** PAD + the five symbols. */
  public static final int VOCAB_SIZE = 6;

  private MazeCodec() {}

  /** Token id of {@code ch}, or -1 if it is not in the alphabet. */
  public static int token(char ch) {
    int i = CHARSET.indexOf(ch);
    return i < 0 ? -1 : i + 1;
  }

  /** The character of token {@code id} (1..5). */
  public static char symbol(int id) {
    return CHARSET.charAt(id - 1);
  }

  /** Text of a token grid (row-major, no separators: the CSV layout). */
  public static String text(int[] tokens) {
    StringBuilder s = new StringBuilder(tokens.length);
    for (int t : tokens) {
      s.append(symbol(t));
    }
    return s.toString();
  }
}
