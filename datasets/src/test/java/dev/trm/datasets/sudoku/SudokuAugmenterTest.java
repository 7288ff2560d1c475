package dev.trm.datasets.sudoku;

import static com.google.common.truth.Truth.assertThat;

import com.google.common.collect.Range;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SudokuAugmenterTest {
  @ParameterizedTest
  @CsvSource({"4, 6", "6, 14", "9, 28"})
  void everyAugmentedSudokuIsValidConsistentAndStillUnique(int size, int givens) {
    SudokuShape shape = SudokuShape.of(size);
    SudokuGenerator generator = new SudokuGenerator(shape, givens, 3);
    SudokuAugmenter augmenter = new SudokuAugmenter(shape);
    SplittableRandom random = new SplittableRandom(9);
    int transposed = 0;
    Set<String> distinct = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      SudokuPuzzle original = generator.next();
      for (int k = 0; k < 40; k++) {
        SudokuTransform t = augmenter.random(random);
        SudokuPuzzle aug = t.apply(original);
        assertThat(SudokuRules.solutionProblem(shape, aug.answer())).isEmpty();
        assertThat(SudokuRules.givensProblem(shape, aug.question(), aug.answer())).isEmpty();
        assertThat(aug.givens()).isEqualTo(givens);
        assertThat(SudokuSolver.countSolutions(shape, aug.question(), 2)).isEqualTo(1);
        transposed += t.transpose() ? 1 : 0;
        distinct.add(aug.answerText());
      }
    }
    if (shape.allowsTranspose()) {
      assertThat(transposed).isIn(Range.closed(150, 250)); // p = 0.5 of 400
    } else {
      assertThat(transposed).isEqualTo(0);
    }
    // 4x4 has only 288 grids in all
    assertThat(distinct.size()).isGreaterThan(size == 4 ? 150 : 300);
  }

  @Test
  void transposeOf6x6WouldBreakTheBoxes() {
    // Why the augmenter never transposes a 6x6 grid: a valid grid's transpose is in general not valid.
    SudokuPuzzle p = new SudokuGenerator(SudokuShape.SIX, 14, 1).next();
    int[] identity = {0, 1, 2, 3, 4, 5};
    int[] digits = {0, 1, 2, 3, 4, 5, 6};
    boolean anyBroken = false;
    SudokuGenerator g = new SudokuGenerator(SudokuShape.SIX, 14, 2);
    for (int i = 0; i < 10; i++) {
      SudokuTransform transpose = new SudokuTransform(SudokuShape.SIX, digits, true, identity, identity);
      anyBroken |= SudokuRules.solutionProblem(SudokuShape.SIX, transpose.apply((i == 0 ? p : g.next()).answer())).isPresent();
    }
    assertThat(anyBroken).isTrue();
  }

  @Test
  void transformFollowsTheOfficialOrderTransposeThenPermuteThenRelabel() {
    // A 4x4 board with distinct cells 0..15 shows where each cell goes (digit map = identity on 0..15 not possible,
    // so use the positions through a 1-cell board): out[r][c] = in^T[rowPerm[r]][colPerm[c]].
    SudokuShape s = SudokuShape.FOUR;
    int[] rowPerm = {1, 0, 3, 2};
    int[] colPerm = {2, 3, 0, 1};
    int[] digitMap = {0, 2, 1, 4, 3};
    for (int cell = 0; cell < 16; cell++) {
      int[] board = new int[16];
      board[cell] = 1;
      int[] out = new SudokuTransform(s, digitMap, true, rowPerm, colPerm).apply(board);
      int r = cell / 4;
      int c = cell % 4;
      // in^T has the 1 at (c, r); it lands where rowPerm[r'] = c and colPerm[c'] = r, relabelled 1 -> 2.
      int rOut = indexOf(rowPerm, c);
      int cOut = indexOf(colPerm, r);
      assertThat(out[rOut * 4 + cOut]).isEqualTo(2);
    }
  }

  private static int indexOf(int[] a, int v) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == v) {
        return i;
      }
    }
    throw new AssertionError(v);
  }
}
