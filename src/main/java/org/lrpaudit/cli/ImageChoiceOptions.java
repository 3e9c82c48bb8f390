package org.lrpaudit.cli;

import java.util.ArrayList;
import java.util.List;
import org.lrpaudit.report.ImageChoice;
import picocli.CommandLine.Option;

/** Which images of an explain-images table to draw: the options dashboard and heatmap-grid share. */
final class ImageChoiceOptions {
  @Option(names = "--image-relevance", paramLabel = "DIR",
      description = "An image relevance table written by explain-images.")
  String table;

  @Option(names = "--image-format", paramLabel = "FORMAT", defaultValue = "parquet",
      description = "Its Spark data source (default parquet; delta, json, orc as explain-images --format wrote it).")
  String format;

  @Option(names = "--image-run-id", paramLabel = "ID", description = "Its run to draw (default: the only run).")
  String runId;

  @Option(names = "--image-methods", paramLabel = "M,...", split = ",", defaultValue = "lrp-ah-ln,gi",
      description = "Methods side by side, those the run holds (default lrp-ah-ln,gi); images are chosen by the "
          + "first.")
  List<String> methods;

  @Option(names = "--images", paramLabel = "N", defaultValue = "8",
      description = "Images, the most confident of each predicted class in turn (default 8).")
  int count;

  @Option(names = "--image-ids", paramLabel = "ID,...", split = ",", description = "Ids of images to draw first.")
  List<String> ids = new ArrayList<>();

  /** null when no table was given. */
  ImageChoice choice() {
    return table == null ? null : new ImageChoice(table, format, runId, methods, ids, count);
  }
}
