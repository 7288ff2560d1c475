package dev.trm.datasets.sudoku;

/**
 * A puzzle and its solution, row-major, values 0 (blank) or 1..size.
 */
public record SudokuPuzzle(SudokuShape shape, int[] question, int[] answer) {
  public SudokuPuzzle {
    if (question.length != shape.cells() || answer.length != shape.cells()) {
      throw new IllegalArgumentException("a " + shape.size() + "x" + shape.size() + " Sudoku needs " + shape.cells() + " cells");
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

  /** Number of given (non-blank) cells. */
  public int givens() {
    int n = 0;
    for (int v : question) {
      n += v != 0 ? 1 : 0;
    }
    return n;
  }

  /** Model inputs: blank -> 1, digit d -> d + 1. */
  public int[] inputTokens() {
    return tokens(question);
  }

  /** Model labels: the solution, digit d -> d + 1. */
  public int[] labelTokens() {
    return tokens(answer);
  }

  private static int[] tokens(int[] cells) {
    int[] t = new int[cells.length];
    for (int i = 0; i < cells.length; i++) {
      t[i] = cells[i] + 1;
    }
    return t;
  }

  /** The question as text, '.' for blanks (the CSV layout). */
  public String questionText() {
    StringBuilder s = new StringBuilder(question.length);
    for (int v : question) {
      s.append(v == 0 ? '.' : (char) ('0' + v));
    }
    return s.toString();
  }

  /** The answer as text (the CSV layout). */
  public String answerText() {
    StringBuilder s = new StringBuilder(answer.length);
    for (int v : answer) {
      s.append((char) ('0' + v));
    }
    return s.toString();
  }
}
