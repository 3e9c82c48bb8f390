package org.lrpaudit.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Bounds on what a model folder may ask for. Every size read from a file (a JSON file's length, a tensor's shape and
 * bytes) is checked here before anything is allocated from it, so a hostile or corrupt file fails with a
 * {@link CheckpointException} naming it instead of exhausting memory.
 */
public final class FileLimits {
  /**
   * Largest tokenizer.json read (a 250,000-token multilingual vocabulary is about 20 MB; the JSON tree takes several
   * times the file's size in heap).
   */
  public static final long MAX_TOKENIZER_BYTES = 128L << 20;
  /** Most dimensions a tensor may have (BERT's have 1 or 2). */
  public static final int MAX_RANK = 8;
  /** Largest tensor read into one Java array: 2 GiB less the JVM's array header reserve. */
  public static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - 8L;

  private FileLimits() {}

  /** Parses a JSON file after checking its size. */
  public static JsonNode readJson(Path file, long maxBytes, String what) {
    try {
      long size = Files.size(file);
      if (size > maxBytes) {
        throw new CheckpointException(file + ": " + size + " bytes, more than the " + maxBytes + " read for a " + what);
      }
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new CheckpointException(file + ": not valid JSON (" + e.getMessage() + ")", e);
    }
  }

  /** Number of elements of a shape: every dimension >= 0, at most MAX_RANK of them, the product without overflow. */
  public static long numel(long[] shape, String what) {
    if (shape.length > MAX_RANK) {
      throw new CheckpointException(what + " has " + shape.length + " dimensions (at most " + MAX_RANK + " are read)");
    }
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new CheckpointException(what + " has a negative dimension: " + Arrays.toString(shape));
      }
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        throw new CheckpointException(what + " has shape " + Arrays.toString(shape) + ": more elements than a long holds");
      }
    }
    return n;
  }

  /** Bytes of numel elements of the given width, refused above MAX_TENSOR_BYTES. */
  public static int tensorBytes(long numel, int width, String what) {
    if (numel > MAX_TENSOR_BYTES / width) {
      throw new CheckpointException(what + " has " + numel + " elements of " + width + " bytes, more than the "
          + MAX_TENSOR_BYTES + " bytes one tensor may hold");
    }
    return (int) (numel * width);
  }
}
