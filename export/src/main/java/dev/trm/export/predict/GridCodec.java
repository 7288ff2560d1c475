package dev.trm.export.predict;

import dev.trm.datasets.maze.MazeCodec;

/** How a CSV cell character maps to a token and back, for the Sudoku and Maze layouts. */
enum GridCodec {
  /** '.' or '0' blank -> 1, digit d -> d + 1 (PAD 0 never appears). */
  SUDOKU {
    @Override
    int token(char c) {
      if (c == '.' || c == '0') {
        return 1;
      }
      return c >= '1' && c <= '9' ? c - '0' + 1 : -1;
    }

    @Override
    char symbol(int token) {
      return token >= 2 && token <= 10 ? (char) ('0' + token - 1) : '.';
    }
  },
  /** The maze alphabet "# SGo" -> 1..5. */
  MAZE {
    @Override
    int token(char c) {
      return MazeCodec.token(c);
    }

    @Override
    char symbol(int token) {
      return token >= 1 && token <= MazeCodec.CHARSET.length() ? MazeCodec.symbol(token) : '?';
    }
  };

  /** The token of {@code c}, or -1 if it is not in the alphabet. */
  abstract int token(char c);

  /** The character of a predicted token ('.' or '?' for tokens that are not cells). */
  abstract char symbol(int token);

  /** The layout of a question: a maze if it uses maze symbols, else a Sudoku. */
  static GridCodec detect(String question) {
    for (int i = 0; i < question.length(); i++) {
      char c = question.charAt(i);
      if (c == '#' || c == ' ' || c == 'S' || c == 'G' || c == 'o') {
        return MAZE;
      }
    }
    return SUDOKU;
  }
}
