package org.lrpaudit.report;

import java.awt.image.BufferedImage;
import java.util.Map;

/**
 * One image of the image relevance table as the dashboard shows it: the row's prediction and, per method, the patch
 * relevance as the table holds it (row-major over the rows x cols patch grid, [CLS] apart). original: the image file
 * the id names, null when the id is not a readable image file (a table of encoded images has no path).
 */
record ImageExample(String id, Integer label, String predictedLabel, String explainedLabel, double explainedLogit,
    int rows, int cols, Map<String, Patches> methods, BufferedImage original) {

  /** A method's relevance: per patch (index row * cols + col) and of [CLS]. */
  record Patches(double[] relevance, double cls) {}
}
