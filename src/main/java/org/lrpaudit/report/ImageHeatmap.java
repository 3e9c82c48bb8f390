package org.lrpaudit.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.lrpaudit.explain.ImageExplanation;
import org.lrpaudit.model.PatchGrid;

/**
 * An image explanation as one PNG: the image as the model saw it (after resize and normalisation, stretched to the full
 * range), the patch view (each patch's relevance spread over its pixels) and, for gi and the LRP methods, the
 * pixel-level view, side by side. Relevance uses the dashboard's scale (red towards the explained class, blue against,
 * white none), each view scaled by its own largest |relevance|. Panels are enlarged by a whole factor to at least
 * {@value #MIN_SIDE} pixels high, pixel for pixel (no smoothing, so patch borders stay sharp).
 */
public final class ImageHeatmap {
  static final int MIN_SIDE = 128;
  private static final int GAP = 4;

  private ImageHeatmap() {}

  /** pixels: the model's input [channels * height * width], as the explanation was computed from. */
  public static BufferedImage render(ImageExplanation e, float[] pixels) {
    PatchGrid g = e.grid();
    int scale = Math.max(1, (MIN_SIDE + g.height() - 1) / g.height());
    int panels = e.pixelGradientTimesInput() == null ? 2 : 3;
    int w = g.width() * scale;
    int h = g.height() * scale;
    BufferedImage out = new BufferedImage(panels * w + (panels - 1) * GAP, h, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < out.getWidth(); x++) {
      for (int y = 0; y < h; y++) {
        out.setRGB(x, y, 0xffffff);
      }
    }
    paint(out, 0, scale, g, input(g, pixels));
    paint(out, w + GAP, scale, g, Heatmap.rgb(e.patchHeatmap()));
    if (panels == 3) {
      paint(out, 2 * (w + GAP), scale, g, Heatmap.rgb(e.pixelGradientTimesInput()));
    }
    return out;
  }

  public static void write(ImageExplanation e, float[] pixels, Path file) throws IOException {
    if (!ImageIO.write(render(e, pixels), "png", file.toFile())) {
      throw new IOException("no PNG writer in this Java runtime");
    }
  }

  private static void paint(BufferedImage out, int left, int scale, PatchGrid g, int[] rgb) {
    for (int y = 0; y < g.height() * scale; y++) {
      for (int x = 0; x < g.width() * scale; x++) {
        out.setRGB(left + x, y, rgb[(y / scale) * g.width() + x / scale]);
      }
    }
  }

  /** One range over all channels (a per-channel stretch would change the colours). */
  private static int[] input(PatchGrid g, float[] pixels) {
    int hw = g.height() * g.width();
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < g.pixelValues(); i++) {
      lo = Math.min(lo, pixels[i]);
      hi = Math.max(hi, pixels[i]);
    }
    int[] rgb = new int[hw];
    for (int c = 0; c < 3; c++) {
      int from = Math.min(c, g.channels() - 1) * hw; // a gray image fills all three
      for (int i = 0; i < hw; i++) {
        int v = hi > lo ? Math.round(255 * (pixels[from + i] - lo) / (hi - lo)) : 128;
        rgb[i] = (rgb[i] << 8) | v;
      }
    }
    return rgb;
  }
}
