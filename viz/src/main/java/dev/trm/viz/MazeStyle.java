package dev.trm.viz;

import dev.trm.datasets.maze.MazeCodec;
import java.awt.Color;

/** Maze: walls dark, open cells white, start green, goal red, the path blue (the official alphabet "# SGo"). */
public record MazeStyle(int side) implements GridStyle {
  static final Color WALL = new Color(0x33, 0x33, 0x33);
  static final Color OPEN = Color.WHITE;
  static final Color START = new Color(0x2E, 0xCC, 0x40);
  static final Color GOAL = new Color(0xFF, 0x41, 0x36);
  static final Color PATH = new Color(0x00, 0x74, 0xD9);
  static final Color PAD = new Color(0xBB, 0xBB, 0xBB);

  @Override
  public Color fill(int token) {
    return switch (token) {
      case MazeCodec.WALL -> WALL;
      case MazeCodec.OPEN -> OPEN;
      case MazeCodec.START -> START;
      case MazeCodec.GOAL -> GOAL;
      case MazeCodec.PATH -> PATH;
      default -> PAD;
    };
  }
}
