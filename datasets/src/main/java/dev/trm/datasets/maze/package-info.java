/**
 * Maze datasets: the official CSV layout ({@code "# SGo"} -> tokens 1..5), a generator of Maze-Hard-like 30x30
 * mazes with a unique shortest path over 110 cells, and the builders ({@link dev.trm.datasets.maze.MazeDatasets}).
 */
package dev.trm.datasets.maze;
