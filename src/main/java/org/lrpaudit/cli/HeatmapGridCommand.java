package org.lrpaudit.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.audit.AuditException;
import org.lrpaudit.report.HeatmapGrid;
import org.lrpaudit.report.ImageChoice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "heatmap-grid", mixinStandardHelpOptions = true,
    description = {"A PNG figure of image explanations from an explain-images table: one column per image, the image "
        + "on top and each method's patch heatmap below it (README's Fashion-MNIST figure; docs/demo.md).",
        "Prints the figure's path on standard output."})
final class HeatmapGridCommand implements Callable<Integer> {
  @Mixin
  ImageChoiceOptions image = new ImageChoiceOptions();

  @Option(names = "--side", paramLabel = "PX", defaultValue = "96",
      description = "Smallest side of each panel in pixels (default 96; whole pixels per patch).")
  int side;

  @Option(names = "--output", required = true, paramLabel = "FILE.png", description = "The figure to write.")
  Path output;

  @Override
  public Integer call() {
    ImageChoice choice = image.choice();
    if (choice == null || choice.count() < 1 || side < 1) {
      System.err.println("lrp-audit heatmap-grid: error: give --image-relevance; --images and --side must be at "
          + "least 1");
      return 2;
    }
    CommandSession spark = null;
    try {
      spark = CommandSession.open(SparkSession.builder().appName("lrp-audit heatmap-grid").master("local[1]")
          .config("spark.ui.enabled", "false"));
      int n = HeatmapGrid.write(spark.spark(), choice, side, output);
      System.err.println("lrp-audit heatmap-grid: " + n + " images x (image + " + choice.methods().size()
          + " methods)");
      System.out.println(output.toAbsolutePath());
      return 0;
    } catch (AuditException e) {
      System.err.println("lrp-audit heatmap-grid: error: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      System.err.println("lrp-audit heatmap-grid: error: cannot write " + output + ": " + e);
      return 2;
    } finally {
      if (spark != null) {
        spark.close();
      }
    }
  }
}
