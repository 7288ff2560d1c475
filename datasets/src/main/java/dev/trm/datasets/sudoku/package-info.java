/**
 * Sudoku datasets: the Sudoku-Extreme CSV layout ({@link dev.trm.datasets.sudoku.SudokuCsvReader}), a bitmask
 * solver, a generator of unique-solution 4x4/6x6/9x9 puzzles, the validity-preserving augmentation generalised to
 * 2x2 and 2x3 boxes, and the builders ({@link dev.trm.datasets.sudoku.SudokuDatasets}).
 */
package dev.trm.datasets.sudoku;
