package org.lrpaudit.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.DoubleUnaryOperator;

/**
 * HuggingFace's ViTImageProcessor as configured by preprocessor_config.json: convert to the model's channels, resize to
 * size (resample 2 = bilinear, 3 = bicubic), rescale by rescale_factor, normalise by image_mean and image_std, giving
 * pixel values [channels, height, width].
 *
 * <p>Channels: an RGB model takes R, G, B (alpha dropped, as PIL's convert("RGB") does; grayscale replicated); a grayscale
 * model (num_channels 1) takes gray images' own samples and PIL's "L" conversion of colour ones. Resizing follows PIL's
 * Image.resize, which the HF processor calls: a separable triangle (bilinear) or cubic (a = -0.5) filter, widened by the
 * scale when shrinking (antialiasing), horizontal pass then vertical, each rounded to 8 bits.
 */
public record ImageProcessor(int channels, boolean resize, int height, int width, int resample, boolean rescale,
    double rescaleFactor, boolean normalize, double[] mean, double[] std) {
  /** Largest preprocessor_config.json read (real ones are under 1 kB). */
  public static final long MAX_CONFIG_BYTES = 1L << 20;
  static final int BILINEAR = 2;
  static final int BICUBIC = 3;

  /** Reads preprocessor_config.json for a model of the given input geometry. */
  public static ImageProcessor read(Path file, PatchGrid grid) {
    JsonNode root;
    try {
      if (Files.size(file) > MAX_CONFIG_BYTES) {
        throw new CheckpointException(file + ": larger than the " + MAX_CONFIG_BYTES + " bytes read");
      }
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new CheckpointException(file + ": not valid JSON (" + e.getMessage() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new CheckpointException(file + ": not a JSON object");
    }
    int h = grid.height();
    int w = grid.width();
    JsonNode size = root.get("size");
    if (size != null && size.isInt()) { // old feature-extractor configs: one number for both sides
      h = w = size.asInt();
    } else if (size != null && size.isObject()) {
      if (!size.has("height") || !size.has("width")) {
        throw new CheckpointException(file + ": size " + size + " is not supported (lrp-audit reads {height, width})");
      }
      h = size.get("height").asInt();
      w = size.get("width").asInt();
    }
    if (h != grid.height() || w != grid.width()) {
      throw new CheckpointException(file + ": size " + h + "x" + w + " differs from the model's image_size "
          + grid.height() + "x" + grid.width());
    }
    int resample = root.path("resample").asInt(BILINEAR);
    if (resample != BILINEAR && resample != BICUBIC) {
      throw new CheckpointException(file + ": resample " + resample + " is not supported (2 bilinear, 3 bicubic)");
    }
    double factor = root.path("rescale_factor").asDouble(1 / 255.0);
    boolean normalize = root.path("do_normalize").asBoolean(true);
    double[] mean = perChannel(root, "image_mean", grid.channels(), file);
    double[] std = perChannel(root, "image_std", grid.channels(), file);
    for (double s : std) {
      if (!(s > 0)) {
        throw new CheckpointException(file + ": image_std must be positive, found " + s);
      }
    }
    return new ImageProcessor(grid.channels(), root.path("do_resize").asBoolean(true), h, w, resample,
        root.path("do_rescale").asBoolean(true), factor, normalize, mean, std);
  }

  /** image_mean / image_std: one value per channel, or one for all (ViTImageProcessor's default is 0.5 each). */
  private static double[] perChannel(JsonNode root, String field, int channels, Path file) {
    JsonNode v = root.get(field);
    double[] out = new double[channels];
    if (v == null || v.isNull()) {
      java.util.Arrays.fill(out, 0.5);
      return out;
    }
    if (v.isNumber() || (v.isArray() && v.size() == 1)) {
      java.util.Arrays.fill(out, v.isNumber() ? v.asDouble() : v.get(0).asDouble());
      return out;
    }
    if (!v.isArray() || v.size() != channels) {
      throw new CheckpointException(file + ": " + field + " " + v + " does not have one value per channel ("
          + channels + ")");
    }
    for (int c = 0; c < channels; c++) {
      out[c] = v.get(c).asDouble();
    }
    return out;
  }

  /** ViTImageProcessor's defaults for a generated checkpoint: bilinear resize, rescale 1/255, mean and std 0.5. */
  public static void writeDefaults(Path file, int imageSize, int channels) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode c = json.createObjectNode();
    c.put("image_processor_type", "ViTImageProcessor").put("do_resize", true).put("resample", BILINEAR)
        .put("do_rescale", true).put("rescale_factor", 1 / 255.0).put("do_normalize", true);
    c.putObject("size").put("height", imageSize).put("width", imageSize);
    for (String field : new String[] {"image_mean", "image_std"}) {
      var a = c.putArray(field);
      for (int i = 0; i < channels; i++) {
        a.add(0.5);
      }
    }
    json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), c);
  }

  /** Pixel values [channels * height * width] of a decoded image. */
  public float[] pixels(BufferedImage image) throws ImageException {
    int[][] planes = planes(image);
    int sh = image.getHeight();
    int sw = image.getWidth();
    if (sh != height || sw != width) {
      if (!resize) {
        throw new ImageException(ImageException.WRONG_SIZE, "the image is " + sw + "x" + sh + " and the model's "
            + "processor does not resize (do_resize false) to its " + width + "x" + height);
      }
      DoubleUnaryOperator filter = resample == BICUBIC ? ImageProcessor::cubic : ImageProcessor::triangle;
      double support = resample == BICUBIC ? 2 : 1;
      for (int c = 0; c < channels; c++) {
        int[] horizontal = resample(planes[c], sw, sh, width, true, filter, support);
        planes[c] = resample(horizontal, width, sh, height, false, filter, support);
      }
    }
    float[] out = new float[channels * height * width];
    for (int c = 0; c < channels; c++) {
      for (int i = 0; i < height * width; i++) {
        double v = planes[c][i];
        if (rescale) {
          v *= rescaleFactor;
        }
        if (normalize) {
          v = (v - mean[c]) / std[c];
        }
        out[c * height * width + i] = (float) v;
      }
    }
    return out;
  }

  /**
   * The image's pixels as 0xRRGGBB, row-major. A gray image gives its own samples (scaled to 8 bits) in all three:
   * getRGB would convert Java's linear gray colour space to sRGB and brighten it.
   */
  public static int[] rgbPixels(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    Raster raster = image.getRaster();
    boolean gray = image.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY;
    int bits = image.getColorModel().getComponentSize(0);
    int[] out = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (gray) {
          int v = (int) Math.round(raster.getSample(x, y, 0) * 255.0 / ((1 << bits) - 1));
          out[y * w + x] = (v << 16) | (v << 8) | v;
        } else {
          out[y * w + x] = image.getRGB(x, y) & 0xffffff;
        }
      }
    }
    return out;
  }

  /** The image's 8-bit planes in the model's channels, row-major (a gray pixel's luma is its own value exactly). */
  private int[][] planes(BufferedImage image) {
    int[] pixels = rgbPixels(image);
    int[][] out = new int[channels][pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      int r = (pixels[i] >> 16) & 0xff;
      int g = (pixels[i] >> 8) & 0xff;
      int b = pixels[i] & 0xff;
      if (channels == 1) {
        out[0][i] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16; // PIL's convert("L"): ITU-R 601-2 luma
      } else {
        out[0][i] = r;
        out[1][i] = g;
        out[2][i] = b;
      }
    }
    return out;
  }

  /**
   * One pass of PIL's resample (Resample.c, precompute_coeffs) along rows (horizontal) or columns: output pixel j takes the
   * filter-weighted, normalised mean of the inputs within support * max(scale, 1) of its centre (j + 0.5) * scale.
   */
  static int[] resample(int[] in, int inW, int inH, int outSize, boolean horizontal, DoubleUnaryOperator filter,
      double baseSupport) {
    int inSize = horizontal ? inW : inH;
    double scale = (double) inSize / outSize;
    double filterScale = Math.max(scale, 1);
    double support = baseSupport * filterScale;
    int outW = horizontal ? outSize : inW;
    int outH = horizontal ? inH : outSize;
    int[] out = new int[outW * outH];
    for (int j = 0; j < outSize; j++) {
      double center = (j + 0.5) * scale;
      int lo = Math.max((int) (center - support + 0.5), 0);
      int hi = Math.min((int) (center + support + 0.5), inSize);
      double[] k = new double[hi - lo];
      double total = 0;
      for (int x = lo; x < hi; x++) {
        k[x - lo] = filter.applyAsDouble((x - center + 0.5) / filterScale);
        total += k[x - lo];
      }
      for (int other = 0; other < (horizontal ? inH : inW); other++) {
        double acc = 0;
        for (int x = lo; x < hi; x++) {
          acc += k[x - lo] * (horizontal ? in[other * inW + x] : in[x * inW + other]);
        }
        int v = (int) Math.max(0, Math.min(255, Math.round(total == 0 ? 0 : acc / total)));
        out[horizontal ? other * outW + j : j * outW + other] = v;
      }
    }
    return out;
  }

  static double triangle(double x) {
    x = Math.abs(x);
    return x < 1 ? 1 - x : 0;
  }

  /** PIL's bicubic kernel, a = -0.5. */
  static double cubic(double x) {
    double a = -0.5;
    x = Math.abs(x);
    if (x < 1) {
      return ((a + 2) * x - (a + 3)) * x * x + 1;
    }
    return x < 2 ? (((x - 5) * x + 8) * x - 4) * a : 0;
  }
}
