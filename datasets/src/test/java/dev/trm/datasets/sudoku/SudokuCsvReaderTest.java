package dev.trm.datasets.sudoku;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.datasets.DatasetFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SudokuCsvReaderTest {
  // The first row of the hard-Sudoku sample (magictour top1465 #1).
  static final String Q = "4...3.......6..8..........1....5..9..8....6...7.2........1.27..5.3....4.9........";
  static final String A = "468931527751624839392578461134756298289413675675289314846192753513867942927345186";

  @TempDir Path dir;

  private Path csv(String... rows) throws IOException {
    Path f = dir.resolve("s.csv");
    Files.write(f, List.of(rows));
    return f;
  }

  @Test
  void readsAValidRow() throws IOException {
    List<SudokuCsvReader.Row> rows = SudokuCsvReader.readAll(csv(SudokuCsvReader.HEADER, "magic," + Q + "," + A + ",124"));
    assertThat(rows).hasSize(1);
    SudokuCsvReader.Row r = rows.get(0);
    assertThat(r.line()).isEqualTo(2);
    assertThat(r.rating()).isEqualTo(124);
    assertThat(r.puzzle().questionText()).isEqualTo(Q);
    assertThat(r.puzzle().givens()).isEqualTo((int) Q.chars().filter(ch -> ch != '.').count());
    assertThat(r.puzzle().inputTokens()[0]).isEqualTo(5);
    assertThat(r.puzzle().inputTokens()[1]).isEqualTo(1);
  }

  private void assertRejected(String row, String... fragments) throws IOException {
    Path f = csv(SudokuCsvReader.HEADER, "ok," + Q + "," + A + ",1", row);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> SudokuCsvReader.readAll(f));
    assertThat(e).hasMessageThat().contains("s.csv line 3");
    for (String fragment : fragments) {
      assertThat(e).hasMessageThat().contains(fragment);
    }
  }

  @Test
  void rejectsMalformedRowsNamingFileAndLine() throws IOException {
    assertRejected("x," + Q + "," + A, "expected 4 comma-separated fields");
    assertRejected("x," + Q.replace('4', 'x') + "," + A + ",1", "'question' has 'x' at position 1");
    assertRejected("x," + Q.substring(1) + "," + A + ",1", "80 cells");
    assertRejected("x," + Q + "," + A + ",high", "'rating' is not an integer");
  }

  @Test
  void rejectsAnAnswerThatBreaksTheRulesOrContradictsTheGivens() throws IOException {
    // swap two cells of one row: rows stay valid, the columns break
    String broken = A.charAt(1) + "" + A.charAt(0) + A.substring(2);
    assertRejected("x," + Q.replace("4...", "....") + "," + broken + ",1", "answer breaks the rules", "column");
    // a valid grid, but the first given (4) is contradicted: relabel 4 <-> 6 everywhere
    String relabelled = A.replace('4', '#').replace('6', '4').replace('#', '6');
    assertRejected("x," + Q + "," + relabelled + ",1", "contradicts the question", "cell (1,1) is given as 4");
  }

  @Test
  void rejectsAWrongHeader() throws IOException {
    Path f = csv("question,answer", Q + "," + A);
    assertThat(assertThrows(DatasetFormatException.class, () -> SudokuCsvReader.readAll(f)))
        .hasMessageThat().contains("s.csv line 1: header");
  }
}
