package dev.trm.export.predict;

import dev.trm.datasets.DurableFiles;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Puzzles from a CSV in the Sudoku-Extreme / Maze-Hard layout {@code source,question,answer,rating}: question and
 * answer are row-major grids of one character per cell (Sudoku: '.' or '0' blank, digits; Maze: "# SGo"). The
 * answer may be empty (no labels). Predictions are written as the same CSV with the predicted grid as the answer.
 */
final class CsvPuzzleSource implements PuzzleSource {
  static final String HEADER = "source,question,answer,rating";

  private final Path file;
  private final BufferedReader in;
  private final GridCodec codec;
  private final int seqLen;
  private final long size;
  private final boolean labels;
  private long line = 1;
  private long puzzlesBeforeChunk;
  private long[] chunkLines = new long[0];
  /** The source, question and rating of every row read so far and not yet written back. */
  private final java.util.ArrayDeque<String[]> pending = new java.util.ArrayDeque<>();

  private CsvPuzzleSource(Path file, BufferedReader in, GridCodec codec, int seqLen, long size, boolean labels) {
    this.file = file;
    this.in = in;
    this.codec = codec;
    this.seqLen = seqLen;
    this.size = size;
    this.labels = labels;
  }

  /** Opens {@code file}: checks the header and counts the rows; the first row fixes the layout and grid size. */
  static CsvPuzzleSource open(Path file) {
    String first = null;
    long rows = 0;
    boolean answers = true;
    try (BufferedReader scan = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      checkHeader(file, scan.readLine());
      for (String text = scan.readLine(); text != null; text = scan.readLine()) {
        if (text.isBlank()) {
          continue;
        }
        String[] f = fields(file, rows + 2, text);
        first = first == null ? f[1] : first;
        answers &= !f[2].isEmpty();
        rows++;
      }
      if (first == null) {
        throw new IllegalArgumentException(file + ": no puzzles after the header");
      }
      BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
      in.readLine();
      return new CsvPuzzleSource(file, in, GridCodec.detect(first), first.length(), rows, answers);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  private static void checkHeader(Path file, String header) {
    if (header != null && header.startsWith("\uFEFF")) {
      header = header.substring(1);
    }
    if (header == null) {
      throw new IllegalArgumentException(file + " is empty: expected the header '" + HEADER + "' and a row per puzzle");
    }
    if (!header.strip().equals(HEADER)) {
      throw new IllegalArgumentException(file + " line 1: header must be '" + HEADER + "', found '" + header + "'");
    }
  }

  /** The four fields of a row; cells are never trimmed (a space is a maze cell). */
  private static String[] fields(Path file, long line, String text) {
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    String[] f = text.split(",", -1);
    if (f.length != 4) {
      throw new IllegalArgumentException(file + " line " + line + ": expected 4 comma-separated fields (" + HEADER
          + "), found " + f.length);
    }
    return f;
  }

  @Override
  public int seqLen() {
    return seqLen;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public boolean hasLabels() {
    return labels;
  }

  @Override
  public PuzzleChunk next(int maxRows) {
    try {
      int[] inputs = new int[maxRows * seqLen];
      int[] answer = labels ? new int[maxRows * seqLen] : null;
      puzzlesBeforeChunk += chunkLines.length;
      long[] lines = new long[maxRows];
      int rows = 0;
      while (rows < maxRows) {
        String text = in.readLine();
        if (text == null) {
          break;
        }
        line++;
        if (text.isBlank()) {
          continue;
        }
        String[] f = fields(file, line, text);
        encode(f[1], "question", inputs, rows * seqLen);
        if (answer != null) {
          encode(f[2], "answer", answer, rows * seqLen);
        }
        pending.add(new String[] {f[0], f[1], f[3]});
        lines[rows++] = line;
      }
      chunkLines = java.util.Arrays.copyOf(lines, rows);
      if (rows == 0) {
        return null;
      }
      return new PuzzleChunk(rows, seqLen, java.util.Arrays.copyOf(inputs, rows * seqLen), new int[rows],
          answer == null ? null : java.util.Arrays.copyOf(answer, rows * seqLen));
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  private void encode(String grid, String column, int[] dst, int off) {
    if (grid.length() != seqLen) {
      throw new IllegalArgumentException(file + " line " + line + ": " + column + " has " + grid.length()
          + " cells, the first row has " + seqLen);
    }
    for (int i = 0; i < seqLen; i++) {
      int t = codec.token(grid.charAt(i));
      if (t < 0) {
        throw new IllegalArgumentException(file + " line " + line + ": " + column + " cell " + i + " is '"
            + grid.charAt(i) + "', not a " + codec.name().toLowerCase(java.util.Locale.ROOT) + " symbol");
      }
      dst[off + i] = t;
    }
  }

  @Override
  public String locate(long index) {
    long row = index - puzzlesBeforeChunk;
    return row >= 0 && row < chunkLines.length ? file + " line " + chunkLines[(int) row] : "puzzle " + (index + 1);
  }

  @Override
  public PredictionSink sink(Path out) {
    return new Sink(out);
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes source, question, predicted grid and rating per row, to a temporary file moved into place at the end. */
  private final class Sink implements PredictionSink {
    private final Path out;
    private final Path tmp;
    private final BufferedWriter w;

    Sink(Path out) {
      this.out = out;
      try {
        tmp = DurableFiles.temporaryFor(out, DurableFiles.PARTIAL);
        DurableFiles.createDirectories(tmp.getParent());
        w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
        w.write(HEADER);
        w.newLine();
      } catch (IOException e) {
        throw new UncheckedIOException(out + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void write(PuzzleChunk chunk, int[] predictions) {
      try {
        for (int r = 0; r < chunk.rows(); r++) {
          String[] row = pending.remove();
          StringBuilder grid = new StringBuilder(seqLen);
          for (int i = 0; i < seqLen; i++) {
            grid.append(codec.symbol(predictions[r * seqLen + i]));
          }
          w.write(row[0] + "," + row[1] + "," + grid + "," + row[2]);
          w.newLine();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(out + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      try {
        w.close();
        DurableFiles.publish(tmp, out);
      } catch (IOException e) {
        throw new UncheckedIOException(out + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void abort() {
      try {
        w.close();
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // Nothing else to clean up.
      }
    }
  }
}
