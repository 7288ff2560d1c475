package dev.trm.viz;

import static com.google.common.truth.Truth.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
  @TempDir Path dir;

  @Test
  void wilsonIntervalMatchesKnownValues() {
    WilsonInterval half = WilsonInterval.of95(5, 10);
    assertThat(half.low()).isWithin(1e-4).of(0.2366);
    assertThat(half.high()).isWithin(1e-4).of(0.7634);
    WilsonInterval none = WilsonInterval.of95(0, 10);
    assertThat(none.low()).isEqualTo(0.0);
    assertThat(none.high()).isWithin(1e-4).of(0.2775);
    assertThat(WilsonInterval.of95(0, 0).high()).isEqualTo(1.0);
  }

  @Test
  void stepAccuracyRoundTripsThroughMetrics() {
    StepAccuracy a = new StepAccuracy(40, new double[] {4, 20, 30}, 25, 24);
    Map<String, Double> m = new java.util.HashMap<>(a.metrics());
    m.put(StepAccuracy.COUNT, 40.0);
    StepAccuracy back = StepAccuracy.from(m);
    assertThat(back.steps()).isEqualTo(3);
    assertThat(back.correct()).usingTolerance(0).containsExactly(4, 20, 30).inOrder();
    assertThat(back.haltedAccuracy()).isWithin(1e-9).of(0.96);
    assertThat(StepAccuracy.from(Map.of(StepAccuracy.COUNT, 3.0))).isNull();
  }

  @Test
  void learningCurvesOfTwoRunsAsPngAndSvg() throws Exception {
    Path a = run("run-a", 0.9);
    Path b = run("run-b", 0.5);
    Path png = dir.resolve("out/curves.png");
    LearningCurves.write(List.of(RunMetrics.read(a), RunMetrics.read(b)), png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(2 * 560);
    assertThat(image.getHeight()).isEqualTo(4 * 300);
    String svg = Files.readString(ChartFiles.svgOf(png));
    assertThat(svg).contains("train loss");
    assertThat(svg).contains("training time (s)");
    assertThat(svg).contains("run-a exact");
    assertThat(svg).contains("run-b token");
    LearningCurves.write(List.of(RunMetrics.read(a), RunMetrics.read(a)), png);  // the same run twice
    assertThat(Files.readString(ChartFiles.svgOf(png))).contains("run-a #2 exact");
  }

  @Test
  void stepAccuracyChart() throws Exception {
    Path png = dir.resolve("acc.png");
    StepAccuracyChart.write(new StepAccuracy(100, new double[] {0, 10, 50, 80, 85, 86}, 90, 81), 4, png);
    assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(760);
    String svg = Files.readString(ChartFiles.svgOf(png));
    assertThat(svg).contains("trained depth");
    assertThat(svg).contains("90.0% [82.1%, 94.6%]");
  }

  @Test
  void aRunDirectoryWithoutMetricsIsAClearError() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> RunMetrics.read(dir));
    assertThat(e).hasMessageThat().contains("has no metrics.jsonl");
  }

  private Path run(String name, double finalAccuracy) throws Exception {
    Path run = dir.resolve(name);
    Files.createDirectories(run);
    List<String> lines = new ArrayList<>();
    for (int step = 1; step <= 20; step++) {
      lines.add(String.format(java.util.Locale.ROOT,
          "{\"step\":%d,\"train/lm_loss\":%.3f,\"train/lr\":0.001,\"train/steps\":3.0,\"time/train_seconds\":%.1f}",
          step, 2.0 / step, 0.5 * step));
      if (step % 10 == 0) {
        lines.add(String.format(java.util.Locale.ROOT, "{\"step\":%d,\"eval/exact_accuracy\":%.2f,"
            + "\"eval/accuracy\":0.9,\"eval/steps\":8.0,\"time/train_seconds\":%.1f}", step,
            finalAccuracy * step / 20, 0.5 * step));
      }
    }
    Files.write(run.resolve("metrics.jsonl"), lines);
    return run;
  }
}
