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
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes a model folder whole or not at all: everything goes to a temporary sibling folder, which replaces the target
 * in one rename at the end. A crash or an error leaves the previous folder (or nothing) in place, never half a model.
 *
 * <p>Only a folder that lrp-audit wrote is ever replaced: every folder written here carries the marker file
 * {@value #MARKER}, and an existing target must be absent, empty, or hold that marker and nothing but the files
 * written here. Anything else (a user's folder, a model from elsewhere, a notes file put beside our model) is refused
 * before any work, and nothing in it is touched.
 */
public final class CheckpointWriter {
  /** The marker of a model folder written by lrp-audit (train, import-onnx, random-model). */
  public static final String MARKER = ".lrp-audit-model";
  /** Every name a folder written here may hold. */
  public static final Set<String> OWN_FILES = Set.of(MARKER, Checkpoint.CONFIG, Checkpoint.WEIGHTS, Checkpoint.TOKENIZER,
      Checkpoint.PREPROCESSOR, "training-report.json");

  private CheckpointWriter() {}

  /**
   * Fails unless target may be written: absent, an empty folder, or a model folder written by lrp-audit holding only
   * its own files. Called before any expensive work, and again just before the old folder is replaced.
   */
  public static void checkTarget(Path target) {
    if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new CheckpointException(target + " exists and is not a folder; choose another --out");
    }
    Set<String> names = new TreeSet<>();
    try (Stream<Path> s = Files.list(target)) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + target + " (" + e.getMessage() + ")", e);
    }
    if (names.isEmpty()) {
      return;
    }
    if (!names.contains(MARKER)) {
      throw new CheckpointException(target + " is a folder that lrp-audit did not write (it holds " + sample(names)
          + " and no " + MARKER + " marker); lrp-audit never replaces it: choose another --out, or empty or remove it "
          + "yourself");
    }
    Set<String> foreign = new TreeSet<>(names);
    foreign.removeAll(OWN_FILES);
    if (!foreign.isEmpty()) {
      throw new CheckpointException(target + " holds " + sample(foreign) + " besides the model lrp-audit wrote there; "
          + "replacing the folder would delete it, so nothing was written: move those files away or choose another --out");
    }
  }

  private static String sample(Set<String> names) {
    List<String> first = names.stream().limit(5).map(n -> "'" + n + "'").toList();
    return String.join(", ", first) + (names.size() > 5 ? " and " + (names.size() - 5) + " more" : "");
  }

  /** Fills a folder; the callback writes files into the temporary folder it is given. */
  @FunctionalInterface
  public interface Contents {
    void writeInto(Path dir) throws IOException;
  }

  public static void writeAtomically(Path target, Contents contents) throws IOException {
    Path abs = target.toAbsolutePath();
    checkTarget(abs);
    Files.createDirectories(abs.getParent());
    // Not Files.createTempDirectory: that makes the folder owner-only (0700), and the rename would keep it so, leaving
    // a model that executors running as another user cannot read.
    Path tmp = Files.createDirectory(abs.resolveSibling("." + abs.getFileName() + ".tmp-"
        + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong())));
    try {
      contents.writeInto(tmp);
      Files.writeString(tmp.resolve(MARKER), "A model folder written by lrp-audit. A later train, import-onnx or "
          + "random-model with this folder as --out replaces it whole, as long as it holds nothing but the files "
          + String.join(", ", new TreeSet<>(OWN_FILES)) + ".\n");
      checkTarget(abs); // again: files may have been added while the contents were computed
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

  /**
   * model.safetensors from named parameters, each in the shape the checkpoint stores ([out, in] for linear weights, as
   * HuggingFace stores them), float32.
   */
  public static void writeSafetensors(List<Weights.Parameter> parameters, Path file) throws IOException {
    try (NDManager m = NDManager.newBaseManager(); OutputStream out = Files.newOutputStream(file)) {
      NDList list = new NDList();
      for (Weights.Parameter p : parameters) {
        NDArray a = p.asStored();
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
