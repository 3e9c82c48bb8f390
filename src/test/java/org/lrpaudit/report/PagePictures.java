package org.lrpaudit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Test support: the pictures of a dashboard page decoded from their data URIs, and patch relevance read back from a
 * heatmap's pixels through the inverse of the documented colour scale (white #f7f7f7 at 0, #b2182b at +max, #2166ac at
 * -max; linear in between), written here from those three colours and not from the code that paints.
 */
final class PagePictures {
  private static final Pattern IMG = Pattern.compile("<img class=\"patches\" data-kind=\"([^\"]*)\" width=\"(\\d+)\" "
      + "height=\"(\\d+)\" alt=\"[^\"]*\" src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\">");

  private PagePictures() {}

  /** One picture of the page: which panel (image or a method), its declared size, the decoded PNG. */
  record Picture(String kind, int width, int height, BufferedImage image) {}

  static List<Picture> pictures(String html) throws IOException {
    List<Picture> out = new ArrayList<>();
    Matcher m = IMG.matcher(html);
    while (m.find()) {
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(4))));
      assertTrue(img != null, "a PNG in the data URI of " + m.group(1));
      out.add(new Picture(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), img));
    }
    return out;
  }

  /** Value in [-1, 1] of a colour on the scale: red side by the green channel, blue side by the red channel. */
  static double scaleValue(int rgb) {
    int r = (rgb >> 16) & 0xff;
    int g = (rgb >> 8) & 0xff;
    int b = rgb & 0xff;
    if (r >= b) {
      double a = (247 - g) / (247.0 - 24);
      assertEquals(247 + a * (178 - 247), r, 1.0, "red channel on the red half");
      assertEquals(247 + a * (43 - 247), b, 1.0, "blue channel on the red half");
      return a;
    }
    double a = (247 - r) / (247.0 - 33);
    assertEquals(247 + a * (102 - 247), g, 1.0, "green channel on the blue half");
    assertEquals(247 + a * (172 - 247), b, 1.0, "blue channel on the blue half");
    return -a;
  }

  /** The rows x cols cell values of a heatmap picture, read at each cell's centre, times max|relevance|. */
  static double[] cells(BufferedImage img, int rows, int cols, double max) {
    double[] out = new double[rows * cols];
    int cw = img.getWidth() / cols;
    int ch = img.getHeight() / rows;
    assertEquals(img.getWidth(), cw * cols, "whole pixels per patch");
    assertEquals(img.getHeight(), ch * rows, "whole pixels per patch");
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int centre = img.getRGB(c * cw + cw / 2, r * ch + ch / 2);
        for (int y = r * ch; y < (r + 1) * ch; y++) { // one colour over the whole cell
          for (int x = c * cw; x < (c + 1) * cw; x++) {
            assertEquals(centre, img.getRGB(x, y), "cell (" + r + ", " + c + ") is one colour");
          }
        }
        out[r * cols + c] = scaleValue(centre) * max;
      }
    }
    return out;
  }

  /** Asserts the decoded cells equal the stored relevance (to the 8-bit colour resolution) and rank the same. */
  static void assertSameRelevance(double[] stored, double[] decoded, String what) {
    double max = 0;
    for (double v : stored) {
      max = Math.max(max, Math.abs(v));
    }
    for (int i = 0; i < stored.length; i++) {
      assertEquals(stored[i], decoded[i], 0.005 * max, what + ": patch " + i);
    }
    for (int i = 0; i < stored.length; i++) {
      for (int j = 0; j < stored.length; j++) {
        if (stored[i] - stored[j] > 0.01 * max) {
          assertTrue(decoded[i] > decoded[j], what + ": patch " + i + " above patch " + j + " in colour too");
        }
      }
    }
  }
}
