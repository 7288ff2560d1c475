package dev.trm.datasets.maze;

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

/**
 * The official maze CSV layout ({@code source,question,answer,rating}; question and answer are row-major strings
 * over {@code "# SGo"}). Reading validates each row and names the file and line of the first bad one.
 */
public final class MazeCsv {
  public static final String HEADER = "source,question,answer,rating";

  private MazeCsv() {}

  /** Reads every maze of {@code csv}. */
  public static List<Maze> read(Path csv) {
    List<Maze> mazes = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null) {
        throw new DatasetFormatException(csv + " is empty: expected the header '" + HEADER + "' and a row per maze");
      }
      if (!header.replace("\uFEFF", "").strip().equals(HEADER)) {
        throw new DatasetFormatException(csv + " line 1: header must be '" + HEADER + "', found '" + header + "'");
      }
      long line = 1;
      int size = -1;
      for (String text = in.readLine(); text != null; text = in.readLine()) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        Maze m = parse(csv + " line " + line, text, size);
        size = m.size();
        mazes.add(m);
      }
    } catch (NoSuchFileException e) {
      throw new DatasetFormatException(csv + ": no such file", e);
    } catch (IOException e) {
      throw new UncheckedIOException(csv + ": " + e.getMessage(), e);
    }
    if (mazes.isEmpty()) {
      throw new DatasetFormatException(csv + ": has no data rows");
    }
    return mazes;
  }

  /** Writes {@code mazes} in the official layout; {@code rating} = path cells, S and G included. */
  public static void write(Path csv, String source, List<Maze> mazes) {
    List<String> lines = new ArrayList<>(mazes.size() + 1);
    lines.add(HEADER);
    for (Maze m : mazes) {
      lines.add(source + "," + MazeCodec.text(m.question()) + "," + MazeCodec.text(m.answer()) + "," + m.pathCells());
    }
    try {
      Files.createDirectories(csv.toAbsolutePath().getParent());
      Files.write(csv, lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(csv + ": " + e.getMessage(), e);
    }
  }

  // Rows may not hold commas inside fields (the maze alphabet has none), so a plain split is exact.
  private static Maze parse(String where, String text, int expectedSize) {
    String[] f = text.split(",", -1);
    if (f.length != 4) {
      throw new DatasetFormatException(where + ": expected 4 comma-separated fields (" + HEADER + "), found " + f.length);
    }
    String q = f[1];
    String a = f[2];
    int size = (int) Math.round(Math.sqrt(q.length()));
    if (size * size != q.length() || size < 2) {
      throw new DatasetFormatException(where + ": question has " + q.length() + " cells, not a square grid");
    }
    if (expectedSize > 0 && size != expectedSize) {
      throw new DatasetFormatException(where + ": a " + size + "x" + size + " maze among " + expectedSize + "x" + expectedSize);
    }
    if (a.length() != q.length()) {
      throw new DatasetFormatException(where + ": answer has " + a.length() + " cells, question has " + q.length());
    }
    int[] question = tokens(where, "question", q);
    int[] answer = tokens(where, "answer", a);
    int starts = 0;
    int goals = 0;
    for (int i = 0; i < question.length; i++) {
      int qt = question[i];
      int at = answer[i];
      starts += qt == MazeCodec.START ? 1 : 0;
      goals += qt == MazeCodec.GOAL ? 1 : 0;
      if (qt == MazeCodec.PATH) {
        throw new DatasetFormatException(where + ": question has a path mark 'o' at cell " + i);
      }
      boolean pathOnOpen = qt == MazeCodec.OPEN && at == MazeCodec.PATH;
      if (qt != at && !pathOnOpen) {
        throw new DatasetFormatException(where + ": answer differs from the question at cell " + i + " ('"
            + MazeCodec.symbol(qt) + "' -> '" + MazeCodec.symbol(at) + "'); only open cells may become 'o'");
      }
    }
    if (starts != 1 || goals != 1) {
      throw new DatasetFormatException(where + ": question needs exactly one S and one G, has " + starts + " and " + goals);
    }
    return new Maze(size, question, answer);
  }

  private static int[] tokens(String where, String field, String text) {
    int[] t = new int[text.length()];
    for (int i = 0; i < t.length; i++) {
      t[i] = MazeCodec.token(text.charAt(i));
      if (t[i] < 0) {
        throw new DatasetFormatException(where + ": field '" + field + "' has '" + text.charAt(i) + "' at cell " + i
            + "; allowed: '" + MazeCodec.CHARSET + "'");
      }
    }
    return t;
  }
}
