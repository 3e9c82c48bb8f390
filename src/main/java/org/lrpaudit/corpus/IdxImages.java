package org.lrpaudit.corpus;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * IDX files, the format MNIST and Fashion-MNIST ship in (jobs/setup-data dataset-fashion-mnist keeps them gzip-compressed):
 * a big-endian header (magic 0x00000803 for images: count, rows, columns; 0x00000801 for labels: count), then one
 * unsigned byte per pixel or label. Sizes are checked before anything is allocated from them, and a file that ends early
 * is refused, never padded.
 */
public final class IdxImages {
  /** Most pixel bytes read from one file (Fashion-MNIST's training set holds 47 million). */
  public static final long MAX_PIXELS = 200_000_000L;
  /** Fashion-MNIST's classes, by label index (the dataset's README). */
  public static final List<String> FASHION_MNIST_LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
  private static final int IMAGES = 0x00000803;
  private static final int LABELS = 0x00000801;

  private IdxImages() {}

  /** count gray images of rows x cols pixels, row-major, one unsigned byte each. */
  public record Images(int count, int rows, int cols, byte[] pixels) {
    public int pixel(int image, int y, int x) {
      return pixels[(image * rows + y) * cols + x] & 0xff;
    }

    /** One image as an 8-bit gray BufferedImage (to write as PNG for explain-image). */
    public BufferedImage image(int image) {
      BufferedImage out = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
      for (int y = 0; y < rows; y++) {
        for (int x = 0; x < cols; x++) {
          out.getRaster().setSample(x, y, 0, pixel(image, y, x));
        }
      }
      return out;
    }
  }

  private static void requireMagic(DataInputStream in, Path file, int expected, String kind) throws IOException {
    int magic = in.readInt();
    if (magic != expected) {
      throw new IllegalArgumentException(file + ": not an IDX " + kind + " file (magic 0x" + Integer.toHexString(magic)
          + ", expected 0x" + Integer.toHexString(expected) + ")");
    }
  }

  public static Images readImages(Path file) {
    try (DataInputStream in = open(file)) {
      requireMagic(in, file, IMAGES, "image");
      int count = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      if (count < 0 || rows <= 0 || cols <= 0 || (long) count * rows * cols > MAX_PIXELS) {
        throw new IllegalArgumentException(file + ": header claims " + count + " images of " + rows + "x" + cols
            + " pixels (at most " + MAX_PIXELS + " pixels are read)");
      }
      byte[] pixels = new byte[count * rows * cols];
      in.readFully(pixels);
      requireEnd(in, file);
      return new Images(count, rows, cols, pixels);
    } catch (EOFException e) {
      throw new IllegalArgumentException(file + ": ends before the data its header announces (truncated?)", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + " (" + e.getMessage() + ")", e);
    }
  }

  /** The labels of an IDX label file, each checked to be below classes. */
  public static int[] readLabels(Path file, int classes) {
    try (DataInputStream in = open(file)) {
      requireMagic(in, file, LABELS, "label");
      int count = in.readInt();
      if (count < 0 || count > MAX_PIXELS) {
        throw new IllegalArgumentException(file + ": header claims " + count + " labels");
      }
      byte[] raw = new byte[count];
      in.readFully(raw);
      requireEnd(in, file);
      int[] labels = new int[count];
      for (int i = 0; i < count; i++) {
        labels[i] = raw[i] & 0xff;
        if (labels[i] >= classes) {
          throw new IllegalArgumentException(file + ": label " + labels[i] + " of item " + i + " is not below " + classes);
        }
      }
      return labels;
    } catch (EOFException e) {
      throw new IllegalArgumentException(file + ": ends before the data its header announces (truncated?)", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + " (" + e.getMessage() + ")", e);
    }
  }

  /** Trailing bytes mean the header and the data disagree: refused rather than guessed at. */
  private static void requireEnd(InputStream in, Path file) throws IOException {
    if (in.read() >= 0) {
      throw new IllegalArgumentException(file + ": holds more data than its header announces");
    }
  }

  /** gzip when the file starts with its magic bytes (as shipped), else plain IDX. */
  private static DataInputStream open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new SourceFileMissingException(file, "IDX file");
    }
    InputStream raw = new BufferedInputStream(Files.newInputStream(file));
    raw.mark(2);
    boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
    raw.reset();
    return new DataInputStream(new BufferedInputStream(gzip ? new GZIPInputStream(raw) : raw));
  }
}
