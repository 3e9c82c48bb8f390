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
  private final List<Parameter> parameters = new java.util.ArrayList<>();

  public Weights(SafetensorsFile file, NDManager manager, DataType dataType) {
    this.file = file;
    this.manager = manager;
    this.dataType = dataType;
  }

  /** A tensor of exactly this shape. */
  public NDArray tensor(String name, long... shape) {
    NDArray a = read(name, shape);
    parameters.add(new Parameter(name, a, false));
    return a;
  }

  private NDArray read(String name, long... shape) {
    SafetensorsFile.Entry e = file.entry(name);
    if (e == null) {
      throw new CheckpointException(file.path() + ": tensor '" + name + "' is missing (does config.json match the weights?)");
    }
    if (!Arrays.equals(e.shape(), shape)) {
      throw new CheckpointException(file.path() + ": tensor '" + name + "' has shape " + Arrays.toString(e.shape())
          + " but config.json implies " + Arrays.toString(shape));
    }
    used.add(name);
    float[] values = file.readFloats(name);
    for (float v : values) {
      if (!Float.isFinite(v)) {
        throw new CheckpointException(file.path() + ": tensor '" + name + "' contains " + v
            + "; a checkpoint with non-finite weights cannot be explained");
      }
    }
    NDArray a = manager.create(values, new Shape(shape));
    if (dataType == DataType.FLOAT32) {
      return a;
    }
    NDArray converted = a.toType(dataType, false);
    a.close();
    return converted;
  }

  /** A linear layer stored as [out, in] (+ bias [out]), returned as the weight transposed to [in, out]. */
  public Linear linear(String prefix, int in, int out) {
    NDArray w = read(prefix + ".weight", out, in);
    NDArray wt = w.transpose().duplicate(); // contiguous copy, so matMul does not re-stride per batch
    w.close();
    parameters.add(new Parameter(prefix + ".weight", wt, true));
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

  /** Every tensor loaded so far, in load order: what training updates and what a checkpoint writer saves. */
  public List<Parameter> parameters() {
    return List.copyOf(parameters);
  }

  /** A loaded tensor under its checkpoint name; transposed = held as [in, out] while the file stores [out, in]. */
  public record Parameter(String name, NDArray array, boolean transposed) {}

  /** y = x W^T + b with W stored transposed. */
  public record Linear(NDArray weightT, NDArray bias) {
    public NDArray apply(NDArray x) {
      return x.matMul(weightT).addi(bias);
    }
  }

  public record LayerNormParams(NDArray gamma, NDArray beta, double eps) {}
}
