package org.lrpaudit.model;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads and decodes image files (whatever javax.imageio reads: PNG, JPEG, BMP, GIF; the first frame), bounded before
 * anything large is allocated: the file size before reading it, the width and height from the header before decoding
 * the pixels (a 20,000 x 20,000 PNG of a few kB would otherwise decode into 1.6 GB).
 */
public final class ImageFiles {
  /** Largest file read: far above any photo a classifier takes (they are resized to a few hundred pixels). */
  public static final long MAX_BYTES = 64L << 20;
  /** Most pixels decoded (about 7,000 x 7,000): 200 MB as ARGB ints, which -Xmx4g holds for a few images at once. */
  public static final long MAX_PIXELS = 50_000_000L;

  private ImageFiles() {}

  /** The file's bytes, its size checked first. */
  public static byte[] read(Path file) throws ImageException {
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new ImageException(ImageException.TOO_LARGE, file + ": " + size + " bytes, more than the " + MAX_BYTES
            + " read");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ImageException(ImageException.UNREADABLE, "cannot read " + file + " (" + e + ")");
    }
  }

  /**
   * Decodes an image whose sides are at least minSide pixels and which holds at most {@link #MAX_PIXELS}; name is used
   * in messages.
   */
  public static BufferedImage decode(byte[] bytes, String name, int minSide) throws ImageException {
    if (bytes.length == 0) {
      throw new ImageException(ImageException.EMPTY, name + ": the file is empty (0 bytes)");
    }
    // Not ImageIO.createImageInputStream: with ImageIO's default cache it buffers every image in a temporary file
    // (created, written, read back and deleted per image), which cost the explain-images job a fifth of its time.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ImageException(ImageException.UNDECODABLE, name + ": not an image format lrp-audit reads (PNG, JPEG, "
            + "BMP, GIF)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long width = reader.getWidth(0); // from the header: nothing is decoded yet
        long height = reader.getHeight(0);
        if (width * height > MAX_PIXELS) {
          throw new ImageException(ImageException.TOO_LARGE, name + ": " + width + "x" + height + " pixels, more than the "
              + MAX_PIXELS + " decoded");
        }
        if (width < minSide || height < minSide) {
          throw new ImageException(ImageException.TOO_SMALL, name + ": " + width + "x" + height + " pixels; a side "
              + "shorter than one patch (" + minSide + " pixels) carries no patch of its own");
        }
        BufferedImage image = reader.read(0);
        if (image == null) {
          throw new ImageException(ImageException.UNDECODABLE, name + ": no image in the file");
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      // ImageIO reports truncated and corrupt data as IIOException, and some decoders as runtime exceptions
      // (ArrayIndexOutOfBounds in a damaged JPEG or GIF): either way this image is bad, not the run.
      throw new ImageException(ImageException.UNDECODABLE, name + ": cannot decode (" + e + "); is it truncated or "
          + "corrupt?");
    }
  }
}
