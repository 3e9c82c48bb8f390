package org.lrpaudit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image processor (resize as PIL does it, rescale, normalise, channel conversion) against values computed by hand
 * in the comments, and the decoding of awkward files: each bad file gives its status, before anything large is decoded.
 */
class ImageInputTest {
  @TempDir
  static Path tmp;

  /** A processor that only resizes (no rescale, no normalisation), so its output is the resized 8-bit values. */
  private static ImageProcessor resizeOnly(int channels, int size, int resample) {
    double[] ones = new double[channels];
    Arrays.fill(ones, 1);
    return new ImageProcessor(channels, true, size, size, resample, false, 1, false, new double[channels], ones);
  }

  private static BufferedImage gray(int w, int h, int... rowValues) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, rowValues[x]);
      }
    }
    return img;
  }

  /**
   * PIL's bilinear filter by hand. Shrinking 4 -> 2 (scale 2, support 2): output 0 is centred at input 1.0 and takes
   * inputs 0, 1, 2 with triangle weights 0.75, 0.75, 0.25 -> (0 + 30 + 20) / 1.75 = 28.57 -> 29; output 1 takes inputs
   * 1, 2, 3 with 0.25, 0.75, 0.75 -> (10 + 60 + 90) / 1.75 = 91.43 -> 91. Enlarging 2 -> 4 (support 1): [0, 100] ->
   * [0, 25, 75, 100].
   */
  @Test
  void resizeFollowsPilsBilinearFilter() throws ImageException {
    assertArrayEquals(new float[] {29, 91, 29, 91}, resizeOnly(1, 2, 2).pixels(gray(4, 4, 0, 40, 80, 120)));
    assertArrayEquals(new float[] {0, 25, 75, 100}, Arrays.copyOf(resizeOnly(1, 4, 2).pixels(gray(2, 2, 0, 100)), 4));
    // Bicubic (a = -0.5) keeps a constant image constant and an image of the target size unchanged.
    assertArrayEquals(new float[] {7, 7, 7, 7}, resizeOnly(1, 2, 3).pixels(gray(5, 5, 7, 7, 7, 7, 7)));
    assertArrayEquals(new float[] {3, 9, 3, 9}, resizeOnly(1, 2, 3).pixels(gray(2, 2, 3, 9)));
  }

  /** ViTImageProcessor's defaults: v / 255, then (v - 0.5) / 0.5, per channel; gray replicated into RGB. */
  @Test
  void rescaleAndNormaliseAsTheDefaults() throws IOException, ImageException {
    Path rgbFile = tmp.resolve("rgb.json");
    ImageProcessor.writeDefaults(rgbFile, 2, 3);
    ImageProcessor rgb = ImageProcessor.read(rgbFile, new PatchGrid(3, 2, 2, 1));
    BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
    img.setRGB(0, 0, 0xFFFF0080); // r 255, g 0, b 128
    float[] px = rgb.pixels(img);
    assertEquals(1f, px[0], 1e-6);
    assertEquals(-1f, px[4], 1e-6);
    assertEquals((128 / 255.0 - 0.5) / 0.5, px[8], 1e-6);
    float[] fromGray = rgb.pixels(gray(2, 2, 255, 0));
    assertArrayEquals(new float[] {1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1}, fromGray, 1e-6f);
  }

  /**
   * A grayscale model: gray images give their own samples (getRGB would brighten them through Java's linear gray
   * colour space: 100 reads as 168 there), colour images PIL's "L" = (19595 R + 38470 G + 7471 B + 32768) >> 16.
   */
  @Test
  void grayModelsTakeSamplesAndLuma() throws ImageException {
    assertEquals(100f, resizeOnly(1, 1, 2).pixels(gray(1, 1, 100))[0]);
    BufferedImage red = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    red.setRGB(0, 0, 0xFF0000);
    assertEquals(76f, resizeOnly(1, 1, 2).pixels(red)[0]); // (255 * 19595 + 32768) >> 16 = 76
  }

  private static byte[] png(BufferedImage img) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private static String status(byte[] bytes, int minSide) {
    return assertThrows(ImageException.class, () -> ImageFiles.decode(bytes, "x.png", minSide)).status();
  }

  @Test
  void awkwardFilesGiveTheirStatus() throws IOException {
    BufferedImage noise = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    java.util.Random rnd = new java.util.Random(1);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        noise.setRGB(x, y, rnd.nextInt());
      }
    }
    byte[] good = png(noise);
    assertEquals(64, assertDoesNotThrow(good).getWidth());
    assertEquals(ImageException.EMPTY, status(new byte[0], 4));
    assertEquals(ImageException.UNDECODABLE, status("not an image at all".getBytes(StandardCharsets.UTF_8), 4));
    assertEquals(ImageException.UNDECODABLE, status(Arrays.copyOf(good, good.length / 2), 4), "truncated PNG");
    assertEquals(ImageException.TOO_SMALL, status(png(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY)), 4));
    long start = System.nanoTime();
    assertEquals(ImageException.TOO_LARGE, status(TestCheckpoints.pngHeader(20_000, 20_000), 4));
    assertTrue(System.nanoTime() - start < 2_000_000_000L, "the size must be refused from the header, not decoded");
  }

  private static BufferedImage assertDoesNotThrow(byte[] bytes) {
    try {
      return ImageFiles.decode(bytes, "good.png", 4);
    } catch (ImageException e) {
      throw new AssertionError(e);
    }
  }

  /** config.json and folder checks of the vit family, each refused with a message naming the problem. */
  @Test
  void vitFoldersAreChecked() throws IOException {
    Path dir = TestCheckpoints.vit(tmp.resolve("vit"), 1, 16, 2, 8, 4, 1, "gelu", false, 1);
    String text = assertThrows(CheckpointException.class, () -> TextClassifier.load(dir.toString(), 512)).getMessage();
    assertTrue(text.contains("image classifier; explain it with explain-image"), text);
    Path bert = TestCheckpoints.tinyBert(tmp.resolve("bert"), 1);
    String image = assertThrows(CheckpointException.class, () -> ImageClassifier.load(bert.toString())).getMessage();
    assertTrue(image.contains("text classifier; explain it with explain-text"), image);
    for (String[] edit : new String[][] {{"num_channels", "2", "num_channels 2 is not supported"},
        {"image_size", "10", "image_size 10 is not a multiple of patch_size 4"},
        {"image_size", "8192", "image_size 8192 is above the 4096"}}) {
      Path bad = TestCheckpoints.vit(tmp.resolve("bad-" + edit[0] + edit[1]), 1, 16, 2, 8, 4, 1, "gelu", false, 1);
      TestCheckpoints.editConfig(bad, c -> c.put(edit[0], Integer.parseInt(edit[1])));
      String m = assertThrows(CheckpointException.class, () -> ImageClassifier.load(bad.toString())).getMessage();
      assertTrue(m.contains(edit[2]), m);
    }
    java.nio.file.Files.delete(dir.resolve(Checkpoint.PREPROCESSOR));
    java.nio.file.Files.writeString(dir.resolve("notes.txt"), "");
    String missing = assertThrows(CheckpointException.class, () -> ImageClassifier.load(dir.toString())).getMessage();
    assertTrue(missing.contains("tokenizer.json not found") && missing.contains("preprocessor_config.json instead"),
        missing);
  }
}
