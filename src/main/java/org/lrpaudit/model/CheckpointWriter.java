package org.lrpaudit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a model folder whole or not at all: everything goes to a temporary sibling folder, which replaces the target
 * in one rename at the end. A crash or an error leaves the previous folder (or nothing) in place, never half a model.
 */
public final class CheckpointWriter {
  private CheckpointWriter() {}

  /** Fills a folder; the callback writes files into the temporary folder it is given. */
  @FunctionalInterface
  public interface Contents {
    void writeInto(Path dir) throws IOException;
  }

  public static void writeAtomically(Path target, Contents contents) throws IOException {
    Path abs = target.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    // Not Files.createTempDirectory: that makes the folder owner-only (0700), and the rename would keep it so, leaving
    // a model that executors running as another user cannot read.
    Path tmp = Files.createDirectory(abs.resolveSibling("." + abs.getFileName() + ".tmp-"
        + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong())));
    try {
      contents.writeInto(tmp);
      Path old = null;
      if (Files.exists(abs)) {
        old = abs.resolveSibling("." + abs.getFileName() + ".old-" + System.nanoTime());
        Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs);
      }
      if (old != null) {
        deleteTree(old);
      }
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
  }

  /** model.safetensors from named parameters, [out, in] as HuggingFace stores linear weights, float32. */
  public static void writeSafetensors(List<Weights.Parameter> parameters, Path file) throws IOException {
    try (NDManager m = NDManager.newBaseManager(); OutputStream out = Files.newOutputStream(file)) {
      NDList list = new NDList();
      for (Weights.Parameter p : parameters) {
        NDArray a = p.transposed() ? p.array().transpose() : p.array();
        NDArray copy = a.toType(DataType.FLOAT32, true).toDevice(ai.djl.Device.cpu(), true);
        copy.attach(m);
        copy.setName(p.name());
        list.add(copy);
      }
      list.encode(out, NDList.Encoding.SAFETENSORS);
    }
  }

  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: stray temporary folders are never read
    }
  }
}
