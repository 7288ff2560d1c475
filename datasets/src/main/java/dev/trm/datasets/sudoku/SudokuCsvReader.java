package dev.trm.datasets.sudoku;

import dev.trm.datasets.DatasetFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads the Sudoku-Extreme CSV layout {@code source,question,answer,rating}: question with '.' (or '0') for blanks,
 * answer all digits, row-major. The side (4, 6 or 9) follows from the first row's length. Every row is validated: a
 * malformed row, an answer that breaks the rules or contradicts its givens is rejected with the file and line.
 */
public final class SudokuCsvReader {
  public static final String HEADER = "source,question,answer,rating";

  /** One validated CSV row; {@code line} is the 1-based line in the file (the header is line 1). */
  public record Row(long line, String source, SudokuPuzzle puzzle, long rating) {}

  private SudokuCsvReader() {}

  /** Streams the rows of {@code csv} to {@code action}; returns how many there were. */
  public static long forEach(Path csv, Consumer<Row> action) {
    try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header != null && header.startsWith("\uFEFF")) {
        header = header.substring(1);
      }
      if (header == null) {
        throw new DatasetFormatException(csv + " is empty: expected the header '" + HEADER + "' and a row per puzzle");
      }
      if (!header.strip().equals(HEADER)) {
        throw new DatasetFormatException(csv + " line 1: header must be '" + HEADER + "', found '" + header + "'");
      }
      SudokuShape shape = null;
      long rows = 0;
      long line = 1;
      for (String text = in.readLine(); text != null; text = in.readLine()) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        Row row = parse(csv, line, text, shape);
        shape = row.puzzle().shape();
        action.accept(row);
        rows++;
      }
      return rows;
    } catch (NoSuchFileException e) {
      throw new DatasetFormatException(csv + ": no such file", e);
    } catch (IOException e) {
      throw new UncheckedIOException(csv + ": " + e.getMessage(), e);
    }
  }

  /** All rows of {@code csv} (for small files). */
  public static List<Row> readAll(Path csv) {
    List<Row> rows = new ArrayList<>();
    forEach(csv, rows::add);
    return rows;
  }

  private static Row parse(Path csv, long line, String text, SudokuShape expected) {
    String where = csv + " line " + line;
    String[] f = text.split(",", -1);
    if (f.length != 4) {
      throw new DatasetFormatException(where + ": expected 4 comma-separated fields (" + HEADER + "), found " + f.length);
    }
    String question = f[1].strip();
    String answer = f[2].strip();
    SudokuShape shape = shapeOf(where, question.length());
    if (expected != null && !shape.equals(expected)) {
      throw new DatasetFormatException(where + ": question has " + question.length() + " cells but earlier rows have "
          + expected.cells());
    }
    if (answer.length() != shape.cells()) {
      throw new DatasetFormatException(where + ": answer has " + answer.length() + " cells, question has " + shape.cells());
    }
    int[] q = cells(where, "question", question, shape, true);
    int[] a = cells(where, "answer", answer, shape, false);
    Optional<String> bad = SudokuRules.solutionProblem(shape, a);
    if (bad.isPresent()) {
      throw new DatasetFormatException(where + ": answer breaks the rules: " + bad.get());
    }
    Optional<String> contradiction = SudokuRules.givensProblem(shape, q, a);
    if (contradiction.isPresent()) {
      throw new DatasetFormatException(where + ": answer contradicts the question: " + contradiction.get());
    }
    long rating;
    try {
      rating = Long.parseLong(f[3].strip());
    } catch (NumberFormatException e) {
      throw new DatasetFormatException(where + ": field 'rating' is not an integer: '" + f[3] + "'", e);
    }
    return new Row(line, f[0], new SudokuPuzzle(shape, q, a), rating);
  }

  private static SudokuShape shapeOf(String where, int cells) {
    for (int size : new int[] {4, 6, 9}) {
      if (size * size == cells) {
        return SudokuShape.of(size);
      }
    }
    throw new DatasetFormatException(where + ": question has " + cells + " cells; expected 16, 36 or 81");
  }

  private static int[] cells(String where, String field, String text, SudokuShape shape, boolean blanksAllowed) {
    int[] v = new int[text.length()];
    for (int i = 0; i < v.length; i++) {
      char ch = text.charAt(i);
      int d = ch == '.' ? 0 : ch - '0';
      if (d < 0 || d > shape.size() || (d == 0 && !blanksAllowed)) {
        throw new DatasetFormatException(where + ": field '" + field + "' has '" + ch + "' at position " + (i + 1)
            + "; expected " + (blanksAllowed ? "'.', '0' or " : "") + "a digit 1.." + shape.size());
      }
      v[i] = d;
    }
    return v;
  }
}
