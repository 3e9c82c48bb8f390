package org.lrpaudit.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.lrpaudit.corpus.IdxImages;
import org.lrpaudit.model.CheckpointWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "idx-to-png", mixinStandardHelpOptions = true,
    description = {"Write the first --count images of an IDX image file (Fashion-MNIST, MNIST) as 8-bit gray PNG files "
        + "named NNNNN-label-L.png (L from --labels; NNNNN-.png without), for explain-image and explain-images. The "
        + "folder is written whole or not at all (a temporary sibling renamed at the end); an existing --out is refused."})
final class IdxToPngCommand implements Callable<Integer> {
  @Option(names = "--images", required = true, paramLabel = "FILE", description = "IDX image file (plain or .gz).")
  Path images;

  @Option(names = "--labels", paramLabel = "FILE", description = "IDX label file of the same images (optional).")
  Path labels;

  @Option(names = "--count", defaultValue = "100", description = "Images to write (default ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to create.")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (Files.exists(out)) {
      throw new IllegalArgumentException("--out " + out + " exists; choose a new folder");
    }
    IdxImages.Images idx = IdxImages.readImages(images);
    int[] label = labels == null ? null : IdxImages.readLabels(labels, 256);
    if (label != null && label.length != idx.count()) {
      throw new IllegalArgumentException(images + " holds " + idx.count() + " images, " + labels + " " + label.length
          + " labels");
    }
    int n = Math.min(Math.max(count, 0), idx.count());
    Path abs = out.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = Files.createDirectory(abs.resolveSibling("." + abs.getFileName() + ".tmp-" + System.nanoTime()));
    try {
      for (int i = 0; i < n; i++) {
        String name = String.format("%05d-%s.png", i, label == null ? "" : "label-" + label[i]);
        ImageIO.write(idx.image(i), "png", tmp.resolve(name).toFile());
      }
      Files.move(tmp, abs);
    } finally {
      CheckpointWriter.deleteTree(tmp);
    }
    System.err.printf("wrote %d images to %s%n", n, abs);
    return Main.OK;
  }
}
