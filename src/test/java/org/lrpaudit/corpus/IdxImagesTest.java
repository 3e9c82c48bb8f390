package org.lrpaudit.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX files written by the test byte by byte (gzip and plain), read back; bad headers and lengths refused. */
class IdxImagesTest {
  @TempDir
  Path tmp;

  private static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(bytes);
    d.writeInt(magic);
    for (int v : dims) {
      d.writeInt(v);
    }
    d.write(data);
    return bytes.toByteArray();
  }

  private Path write(String name, byte[] content, boolean gzip) throws IOException {
    Path file = tmp.resolve(name);
    try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
      out.write(content);
    }
    return file;
  }

  @Test
  void imagesAndLabelsAreReadAsWritten() throws IOException {
    byte[] pixels = new byte[2 * 3 * 4];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 11); // up to 253: unsigned bytes above 127 included
    }
    for (boolean gzip : new boolean[] {true, false}) {
      IdxImages.Images img = IdxImages.readImages(write("img" + gzip, idx(0x803, new int[] {2, 3, 4}, pixels), gzip));
      assertEquals(2, img.count());
      assertEquals(3, img.rows());
      assertEquals(4, img.cols());
      assertEquals(253, img.pixel(1, 2, 3)); // image 1, last pixel: (1 * 3 + 2) * 4 + 3 = 23 -> 23 * 11
      assertEquals(23 * 11 & 0xff, img.image(1).getRaster().getSample(3, 2, 0));
      int[] labels = IdxImages.readLabels(write("lab" + gzip, idx(0x801, new int[] {3}, new byte[] {9, 0, 4}), gzip), 10);
      assertArrayEquals(new int[] {9, 0, 4}, labels);
    }
  }

  @Test
  void badFilesAreRefused() throws IOException {
    byte[] six = new byte[6];
    String wrongMagic = assertThrows(IllegalArgumentException.class,
        () -> IdxImages.readImages(write("a", idx(0x801, new int[] {6}, six), true))).getMessage();
    assertTrue(wrongMagic.contains("not an IDX image file"), wrongMagic);
    String truncated = assertThrows(IllegalArgumentException.class,
        () -> IdxImages.readImages(write("b", idx(0x803, new int[] {1, 2, 4}, six), true))).getMessage();
    assertTrue(truncated.contains("truncated"), truncated);
    String extra = assertThrows(IllegalArgumentException.class,
        () -> IdxImages.readImages(write("c", idx(0x803, new int[] {1, 1, 4}, six), false))).getMessage();
    assertTrue(extra.contains("more data than its header"), extra);
    String huge = assertThrows(IllegalArgumentException.class,
        () -> IdxImages.readImages(write("d", idx(0x803, new int[] {100_000, 1000, 1000}, six), true))).getMessage();
    assertTrue(huge.contains("at most"), huge);
    String label = assertThrows(IllegalArgumentException.class,
        () -> IdxImages.readLabels(write("e", idx(0x801, new int[] {2}, new byte[] {3, 10}), true), 10)).getMessage();
    assertTrue(label.contains("label 10 of item 1"), label);
    assertThrows(SourceFileMissingException.class, () -> IdxImages.readImages(tmp.resolve("absent.gz")));
    assertEquals(10, IdxImages.FASHION_MNIST_LABELS.size());
    assertTrue(Arrays.asList(new String[] {"Sneaker", "Ankle boot"}).stream()
        .allMatch(IdxImages.FASHION_MNIST_LABELS::contains));
  }
}
