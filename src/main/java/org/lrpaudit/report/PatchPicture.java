package org.lrpaudit.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.lrpaudit.model.ImageProcessor;

/**
 * Pictures of a stored image explanation: the patch relevance as a rows x cols grid of cells on the dashboard's colour
 * scale (red towards the explained class, blue against, white none; scaled by the image's own largest |relevance|),
 * and the original image resampled to the same size, nearest pixel (no smoothing, so patch borders stay sharp).
 */
final class PatchPicture {
  private PatchPicture() {}

  /** The side of a square cell so that the larger side of the grid is at least minSide pixels. */
  static int cell(int rows, int cols, int minSide) {
    return Math.max(1, (minSide + Math.max(rows, cols) - 1) / Math.max(rows, cols));
  }

  static BufferedImage relevance(double[] rel, int rows, int cols, int cell) {
    int[] rgb = Heatmap.rgb(rel);
    BufferedImage out = new BufferedImage(cols * cell, rows * cell, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < out.getHeight(); y++) {
      for (int x = 0; x < out.getWidth(); x++) {
        out.setRGB(x, y, rgb[(y / cell) * cols + x / cell]);
      }
    }
    return out;
  }

  /** Gray images keep their own gray levels (as the model's image processor reads them). */
  static BufferedImage resampled(BufferedImage image, int width, int height) {
    int[] rgb = ImageProcessor.rgbPixels(image);
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        out.setRGB(x, y, rgb[(y * image.getHeight() / height) * image.getWidth() + x * image.getWidth() / width]);
      }
    }
    return out;
  }

  static byte[] png(BufferedImage image) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      if (!ImageIO.write(image, "png", bytes)) {
        throw new IllegalStateException("no PNG writer in this Java runtime");
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The image inside the page itself: the dashboard loads nothing from outside. */
  static String dataUri(BufferedImage image) {
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png(image));
  }
}
