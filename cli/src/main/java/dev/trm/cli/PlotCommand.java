package dev.trm.cli;

import dev.trm.training.RunPictures;
import dev.trm.viz.ChartFiles;
import dev.trm.viz.LearningCurves;
import dev.trm.viz.RunMetrics;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trm plot}: learning curves of one or more runs. */
@Command(name = "plot", mixinStandardHelpOptions = true,
    description = {"Draw the learning curves of one or more run directories from their metrics.jsonl, overlaid: "
        + "train loss, eval exact and token accuracy, learning rate and mean ACT steps, against the step and the "
        + "training time. PNG, with an SVG beside it."})
public final class PlotCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "RUN", description = "Run directories (each holds metrics.jsonl).")
  List<Path> runs;

  @Option(names = "--out", paramLabel = "FILE.png", description = "Where the chart goes (default: RUN/curves.png "
      + "for one run, curves.png here for several).")
  Path out;

  @Override
  public Integer call() {
    List<RunMetrics> metrics = runs.stream().map(RunMetrics::read).toList();
    Path png = out != null ? out : runs.size() == 1 ? runs.get(0).resolve(RunPictures.CURVES)
        : Path.of(RunPictures.CURVES);
    LearningCurves.write(metrics, png);
    System.out.println("learning curves of " + runs.size() + " run" + (runs.size() == 1 ? "" : "s") + ": " + png
        + " (and " + ChartFiles.svgOf(png).getFileName() + ")");
    return 0;
  }
}
