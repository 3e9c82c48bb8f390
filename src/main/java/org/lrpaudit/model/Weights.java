package org.lrpaudit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Named tensors of a checkpoint, checked against the shapes config.json implies and placed in the model's long-lived manager.
 * Linear weights are stored [out, in] (y = x W^T + b); {@link #linear} returns them transposed once, so that the per-batch
 * forward pass is a plain x.matMul(w).
 */
public final class Weights {
  private final SafetensorsFile file;
  private final NDManager manager;
  private final DataType dataType;
  private final Set<String> used = new HashSet<>();

  public Weights(SafetensorsFile file, NDManager manager, DataType dataType) {
    this.file = file;
    this.manager = manager;
    this.dataType = dataType;
  }

  /** A tensor of exactly this shape. */
  public NDArray tensor(String name, long... shape) {
    SafetensorsFile.Entry e = file.entry(name);
    if (e == null) {
      throw new CheckpointException(file.path() + ": tensor '" + name + "' is missing (does config.json match the weights?)");
    }
    if (!Arrays.equals(e.shape(), shape)) {
      throw new CheckpointException(file.path() + ": tensor '" + name + "' has shape " + Arrays.toString(e.shape())
          + " but config.json implies " + Arrays.toString(shape));
    }
    used.add(name);
    NDArray a = manager.create(file.readFloats(name), new Shape(shape));
    return dataType == DataType.FLOAT32 ? a : a.toType(dataType, false);
  }

  /** A linear layer stored as [out, in] (+ bias [out]), returned as the weight transposed to [in, out]. */
  public Linear linear(String prefix, int in, int out) {
    NDArray w = tensor(prefix + ".weight", out, in);
    NDArray wt = w.transpose().duplicate(); // contiguous copy, so matMul does not re-stride per batch
    w.close();
    return new Linear(wt, tensor(prefix + ".bias", out));
  }

  /** A LayerNorm's gamma and beta; old BERT checkpoints call them gamma/beta instead of weight/bias. */
  public LayerNormParams layerNorm(String prefix, int size, double eps) {
    boolean legacy = file.entry(prefix + ".weight") == null && file.entry(prefix + ".gamma") != null;
    return new LayerNormParams(tensor(prefix + (legacy ? ".gamma" : ".weight"), size),
        tensor(prefix + (legacy ? ".beta" : ".bias"), size), eps);
  }

  /**
   * Fails when the file holds encoder layers the config does not declare: a silent mismatch would explain a different model.
   * Heads for other tasks (masked LM), position_ids buffers and the like are ignored.
   */
  public void requireNoUnusedLayers(List<String> layerPrefixes, int numLayers) {
    Set<String> extra = new TreeSet<>();
    for (String name : file.names()) {
      if (used.contains(name)) {
        continue;
      }
      for (String p : layerPrefixes) {
        if (name.startsWith(p)) {
          extra.add(name);
        }
      }
    }
    if (!extra.isEmpty()) {
      throw new CheckpointException(file.path() + ": holds " + extra.size() + " encoder tensors that config.json ("
          + numLayers + " layers) does not use, e.g. '" + extra.iterator().next() + "'");
    }
  }

  /** y = x W^T + b with W stored transposed. */
  public record Linear(NDArray weightT, NDArray bias) {
    public NDArray apply(NDArray x) {
      return x.matMul(weightT).addi(bias);
    }
  }

  public record LayerNormParams(NDArray gamma, NDArray beta, double eps) {}
}
