package dev.trm.datasets.sudoku;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SudokuGeneratorTest {
  @ParameterizedTest
  @CsvSource({"4, 5", "4, 4", "6, 14", "6, 10", "9, 30", "9, 25"})
  void puzzlesHaveExactlyOneSolutionAndTheRequestedGivens(int size, int givens) {
    SudokuShape shape = SudokuShape.of(size);
    SudokuGenerator g = new SudokuGenerator(shape, givens, 11);
    for (int i = 0; i < 15; i++) {
      SudokuPuzzle p = g.next();
      assertThat(p.givens()).isEqualTo(givens);
      assertThat(SudokuSolver.countSolutions(shape, p.question(), 5)).isEqualTo(1);
      assertThat(SudokuRules.isSolved(p)).isTrue();
      assertThat(SudokuSolver.solve(shape, p.question())).isEqualTo(p.answer());
    }
  }

  @Test
  void sameSeedSamePuzzles() {
    SudokuGenerator a = new SudokuGenerator(SudokuShape.SIX, 14, 5);
    SudokuGenerator b = new SudokuGenerator(SudokuShape.SIX, 14, 5);
    SudokuGenerator c = new SudokuGenerator(SudokuShape.SIX, 14, 6);
    String first = a.next().questionText();
    assertThat(b.next().questionText()).isEqualTo(first);
    assertThat(c.next().questionText()).isNotEqualTo(first);
  }

  @Test
  void impossibleGivensAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SudokuGenerator(SudokuShape.NINE, 16, 0));
    assertThat(e).hasMessageThat().contains("[17, 81]");
  }

  @Test
  void solverCountsUpToTheLimitAndSeesConflicts() {
    assertThat(SudokuSolver.countSolutions(SudokuShape.FOUR, new int[16], 2)).isEqualTo(2);
    // 288 is the number of 4x4 Sudoku grids.
    assertThat(SudokuSolver.countSolutions(SudokuShape.FOUR, new int[16], 1000)).isEqualTo(288);
    int[] conflict = new int[16];
    conflict[0] = 1;
    conflict[1] = 1;
    assertThat(SudokuSolver.countSolutions(SudokuShape.FOUR, conflict, 2)).isEqualTo(0);
    assertThat(SudokuSolver.solve(SudokuShape.FOUR, conflict)).isNull();
  }
}
