package org.lrpaudit.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.audit.AuditException;

/**
 * A figure of image explanations for a README or a paper: one column per image, rows the original image and then each
 * method's patch heatmap (the dashboard's pictures, from the relevance table's stored patch relevance). No text is
 * drawn (fonts differ between machines); the caption belongs beside the figure.
 */
public final class HeatmapGrid {
  static final int GAP = 4;

  private HeatmapGrid() {}

  /** Reads the chosen images and writes the grid as a PNG, whole or not at all; returns how many images it holds. */
  public static int write(SparkSession spark, ImageChoice choice, int side, Path png) throws IOException {
    List<ImageExample> shown = ImageExamples.read(spark, choice);
    if (shown.isEmpty()) {
      throw new AuditException("no explained images in " + choice.table() + " to draw");
    }
    byte[] bytes = PatchPicture.png(render(shown, choice.methods(), side));
    Path dir = png.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + png.getFileName() + "." + UUID.randomUUID());
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, png, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return shown.size();
  }

  /**
   * Columns: the images; rows: the original (white when the id names no image file), then the methods in order. Every
   * panel is the same size, the patch grid of the first image at a whole number of pixels per patch.
   */
  static BufferedImage render(List<ImageExample> shown, List<String> methods, int side) {
    ImageExample first = shown.get(0);
    int cell = PatchPicture.cell(first.rows(), first.cols(), side);
    int w = first.cols() * cell;
    int h = first.rows() * cell;
    List<String> rows = methods.stream().filter(m -> shown.stream().anyMatch(e -> e.methods().containsKey(m)))
        .toList();
    BufferedImage out = new BufferedImage(shown.size() * (w + GAP) - GAP, (rows.size() + 1) * (h + GAP) - GAP,
        BufferedImage.TYPE_INT_RGB);
    fill(out, 0, 0, out.getWidth(), out.getHeight());
    for (int i = 0; i < shown.size(); i++) {
      ImageExample e = shown.get(i);
      if (e.rows() != first.rows() || e.cols() != first.cols()) {
        throw new AuditException("image " + e.id() + " has a " + e.rows() + "x" + e.cols() + " patch grid, "
            + first.id() + " a " + first.rows() + "x" + first.cols() + " one: a grid figure needs one model's images");
      }
      int x = i * (w + GAP);
      if (e.original() != null) {
        draw(out, PatchPicture.resampled(e.original(), w, h), x, 0);
      }
      for (int r = 0; r < rows.size(); r++) {
        ImageExample.Patches p = e.methods().get(rows.get(r));
        if (p != null) {
          draw(out, PatchPicture.relevance(p.relevance(), e.rows(), e.cols(), cell), x, (r + 1) * (h + GAP));
        }
      }
    }
    return out;
  }

  private static void draw(BufferedImage out, BufferedImage panel, int x0, int y0) {
    for (int y = 0; y < panel.getHeight(); y++) {
      for (int x = 0; x < panel.getWidth(); x++) {
        out.setRGB(x0 + x, y0 + y, panel.getRGB(x, y));
      }
    }
  }

  private static void fill(BufferedImage out, int x0, int y0, int w, int h) {
    for (int y = y0; y < y0 + h; y++) {
      for (int x = x0; x < x0 + w; x++) {
        out.setRGB(x, y, 0xffffff);
      }
    }
  }
}
