package dev.trm.viz;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.datasets.arc.ArcCanvas;
import dev.trm.datasets.arc.ArcGrid;
import dev.trm.datasets.maze.MazeCodec;
import dev.trm.datasets.sudoku.SudokuShape;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PuzzlePicturesTest {
  private static final int CELL = 20;

  @TempDir Path dir;

  /** Top-left pixel of cell (row, col) of panel {@code panel} in a strip whose slots are {@code cols} cells wide. */
  private static int[] cell(int panel, int cols, int row, int col) {
    int slot = Math.max(cols * CELL, 110);
    return new int[] {PanelStrip.MARGIN + panel * (slot + PanelStrip.MARGIN) + col * CELL,
        PanelStrip.MARGIN + PanelStrip.TEXT_ROW + row * CELL};
  }

  /** The colour a few pixels inside the cell's top-left corner (clear of text and grid lines). */
  private static Color inside(BufferedImage image, int[] xy) {
    return new Color(image.getRGB(xy[0] + 4, xy[1] + 4));
  }

  /** The colour on a cell's left edge, inside the grid line, where a frame mark is drawn. */
  private static Color edge(BufferedImage image, int[] xy) {
    return new Color(image.getRGB(xy[0] + 2, xy[1] + CELL / 2));
  }

  private static Color centre(BufferedImage image, int[] xy) {
    return new Color(image.getRGB(xy[0] + CELL / 2, xy[1] + CELL / 2));
  }

  @Test
  void sudokuFilmStripMarksChangedAndWrongCellsAndDrawsBoxes() throws Exception {
    // 4x4, tokens: 1 = blank, d + 1 = digit d. Solution rows 1234 / 3412 / 2143 / 4321.
    int[] label = {2, 3, 4, 5, 4, 5, 2, 3, 3, 2, 5, 4, 5, 4, 3, 2};
    int[] input = label.clone();
    input[1] = 1;
    input[6] = 1;
    int[] step1 = input.clone();
    step1[1] = 4;   // wrong guess in cell (0, 1)
    int[] step2 = step1.clone();
    step2[1] = 3;   // fixed
    step2[6] = 5;   // wrong in cell (1, 2)
    ActTrace trace = new ActTrace(input, label,
        List.of(new ActTrace.Step(step1, -1.5f), new ActTrace.Step(step2, 2.0f)), 2, List.of());
    PuzzlePictures pictures = new PuzzlePictures(new SudokuStyle(SudokuShape.FOUR), CELL);

    BufferedImage film = pictures.filmStrip(trace);  // panels: input, step 1, step 2
    assertThat(inside(film, cell(1, 4, 0, 1))).isEqualTo(PanelStrip.WRONG);     // changed and wrong
    assertThat(inside(film, cell(2, 4, 0, 1))).isEqualTo(PanelStrip.CHANGED);   // changed, now right
    assertThat(inside(film, cell(2, 4, 1, 2))).isEqualTo(PanelStrip.WRONG);
    assertThat(inside(film, cell(2, 4, 3, 3))).isEqualTo(Color.WHITE);          // untouched given
    assertThat(inside(film, cell(0, 4, 0, 1))).isEqualTo(Color.WHITE);          // the input marks nothing
    int[] box = cell(2, 4, 2, 1);  // the box line between rows 1 and 2 (2x2 boxes)
    assertThat(new Color(film.getRGB(box[0] + 10, box[1]))).isEqualTo(SudokuStyle.BOX_LINE);

    PuzzlePictures.Written files = pictures.write(trace, dir, "p0");
    assertThat(frames(files.animation())).isEqualTo(2);
    BufferedImage summary = ImageIO.read(files.summary().toFile());  // input, prediction, label
    assertThat(inside(summary, cell(1, 4, 1, 2))).isEqualTo(PanelStrip.WRONG);
    assertThat(inside(summary, cell(1, 4, 0, 1))).isEqualTo(Color.WHITE);
    assertThat(ImageIO.read(files.filmStrip().toFile()).getWidth()).isEqualTo(film.getWidth());
  }

  @Test
  void mazeDrawsWallsStartGoalAndPathAndFramesWrongCells() throws Exception {
    int w = MazeCodec.WALL, o = MazeCodec.OPEN, s = MazeCodec.START, g = MazeCodec.GOAL, p = MazeCodec.PATH;
    // 5x5 (a 4x4 maze would share its shape with 4x4 Sudoku): the path runs from S right, then down to G.
    int[] input = {w, w, w, w, w, w, s, o, w, w, w, o, g, w, w, w, w, w, w, w, w, w, w, w, w};
    int[] label = {w, w, w, w, w, w, s, p, w, w, w, o, g, w, w, w, w, w, w, w, w, w, w, w, w};
    int[] guess = {w, w, w, w, w, w, s, o, w, w, w, p, g, w, w, w, w, w, w, w, w, w, w, w, w};
    ActTrace trace = new ActTrace(input, label, List.of(new ActTrace.Step(guess, 0.5f)), 1, List.of());
    GridStyle style = GridStyle.of(25, MazeCodec.VOCAB_SIZE);
    assertThat(style).isInstanceOf(MazeStyle.class);
    BufferedImage summary = new PuzzlePictures(style, CELL).summary(trace);
    assertThat(centre(summary, cell(0, 5, 0, 0))).isEqualTo(MazeStyle.WALL);
    assertThat(centre(summary, cell(0, 5, 1, 1))).isEqualTo(MazeStyle.START);
    assertThat(centre(summary, cell(0, 5, 2, 2))).isEqualTo(MazeStyle.GOAL);
    assertThat(centre(summary, cell(2, 5, 1, 2))).isEqualTo(MazeStyle.PATH);     // the label's path
    assertThat(centre(summary, cell(1, 5, 2, 1))).isEqualTo(MazeStyle.PATH);     // the prediction's wrong path
    assertThat(edge(summary, cell(1, 5, 2, 1))).isEqualTo(PanelStrip.WRONG_FRAME);
    assertThat(edge(summary, cell(1, 5, 1, 1))).isEqualTo(MazeStyle.START);    // right cells are not framed
  }

  @Test
  void arcCropsAtTheEosBorderAndDrawsDemonstrationsFirst() throws Exception {
    int[] input = ArcCanvas.encode(ArcGrid.of(new int[][] {{1, 2, 3}, {4, 5, 6}}), 0, 0);
    int[] label = ArcCanvas.encode(ArcGrid.of(new int[][] {{9, 8}, {7, 6}}), 0, 0);
    int[] demoIn = ArcCanvas.encode(ArcGrid.of(new int[][] {{3}}), 0, 0);
    int[] demoOut = ArcCanvas.encode(ArcGrid.of(new int[][] {{0, 0}}), 0, 0);
    ActTrace trace = new ActTrace(input, label, List.of(new ActTrace.Step(label, 3f)), 1,
        List.<int[][]>of(new int[][] {demoIn, demoOut}));
    GridStyle style = GridStyle.of(ArcCanvas.SEQ_LEN, ArcCanvas.VOCAB_SIZE);
    assertThat(style.visible(input).width).isEqualTo(3);
    assertThat(style.visible(input).height).isEqualTo(2);
    BufferedImage summary = new PuzzlePictures(style, CELL).summary(trace);
    // panels: demo in, demo out, input, prediction, label; slots are 3 cells wide (the widest crop)
    assertThat(centre(summary, cell(0, 3, 0, 0))).isEqualTo(ArcStyle.PALETTE[3]);
    assertThat(centre(summary, cell(1, 3, 0, 1))).isEqualTo(ArcStyle.PALETTE[0]);
    assertThat(centre(summary, cell(2, 3, 1, 2))).isEqualTo(ArcStyle.PALETTE[6]);
    assertThat(centre(summary, cell(3, 3, 0, 0))).isEqualTo(ArcStyle.PALETTE[9]);
    assertThat(centre(summary, cell(4, 3, 1, 1))).isEqualTo(ArcStyle.PALETTE[6]);
    // the label's grid is 2 wide: its third column is not drawn
    assertThat(centre(summary, cell(4, 3, 0, 2))).isEqualTo(Color.WHITE);
    assertThat(summary.getHeight()).isEqualTo(2 * PanelStrip.MARGIN + 2 * PanelStrip.TEXT_ROW + 2 * CELL);
  }

  @Test
  void noStyleForAShapeOfNoPuzzleKind() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> GridStyle.of(37, 5));
    assertThat(e).hasMessageThat().contains("37 tokens");
  }

  private static int frames(Path gif) throws Exception {
    try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
      ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
      reader.setInput(in);
      int n = reader.getNumImages(true);
      reader.dispose();
      return n;
    }
  }
}
