package org.lrpaudit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Named tensors of a checkpoint, checked against the shapes config.json implies and placed in the model's long-lived manager.
 * Linear weights are stored [out, in] (y = x W^T + b); {@link #linear} returns them transposed once, so that the per-batch
 * forward pass is a plain x.matMul(w).
 *
 * <p>Two sources: a checkpoint's tensors ({@link #Weights(TensorSource, NDManager, DataType)}), or seeded random values
 * ({@link #random}) for generated test checkpoints. A family's builder asks for its tensors by checkpoint name and kind
 * (embedding, linear, LayerNorm) either way, so the names a family loads are exactly the names it generates.
 */
public final class Weights {
  private final TensorSource file; // null: random
  private final RandomInit random; // null: from the file
  private final NDManager manager;
  private final DataType dataType;
  private final Set<String> used = new HashSet<>();
  private final List<Parameter> parameters = new java.util.ArrayList<>();

  public Weights(TensorSource file, NDManager manager, DataType dataType) {
    this.file = file;
    this.random = null;
    this.manager = manager;
    this.dataType = dataType;
  }

  private Weights(RandomInit random, NDManager manager) {
    this.file = null;
    this.random = random;
    this.manager = manager;
    this.dataType = DataType.FLOAT32;
  }

  /**
   * Seeded random weights in float32: embeddings N(0, 1), linear and convolution weights N(0, 1/fan_in), LayerNorm gamma
   * 1 + N(0, 0.01), biases and betas N(0, 0.01) or exactly 0. Drawn in the order the builder asks for them.
   */
  public static Weights random(long seed, boolean zeroBiases, NDManager manager) {
    return new Weights(new RandomInit(new Random(seed), zeroBiases), manager);
  }

  /** A tensor of exactly this shape (embeddings and other tables). */
  public NDArray tensor(String name, long... shape) {
    NDArray a = read(name, Kind.TABLE, shape);
    parameters.add(new Parameter(name, a, false));
    return a;
  }

  /** Whether the checkpoint holds this tensor (random weights: never, so optional tensors are left out). */
  public boolean has(String name) {
    return file != null && file.entry(name) != null;
  }

  private enum Kind { TABLE, WEIGHT, BIAS, GAMMA }

  private NDArray read(String name, Kind kind, long... shape) {
    float[] values;
    if (random != null) {
      values = random.values(kind, shape);
    } else {
      SafetensorsFile.Entry e = file.entry(name);
      if (e == null) {
        throw new CheckpointException(file.where() + ": tensor '" + name
            + "' is missing (does config.json match the weights?)");
      }
      if (!Arrays.equals(e.shape(), shape)) {
        throw new CheckpointException(file.where() + ": tensor '" + name + "' has shape " + Arrays.toString(e.shape())
            + " but config.json implies " + Arrays.toString(shape));
      }
      values = file.readFloats(name);
      for (float v : values) {
        if (!Float.isFinite(v)) {
          throw new CheckpointException(file.where() + ": tensor '" + name + "' contains " + v
              + "; a checkpoint with non-finite weights cannot be explained");
        }
      }
    }
    used.add(name);
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
    NDArray wt = weightT(prefix, in, out);
    NDArray b = read(prefix + ".bias", Kind.BIAS, out);
    parameters.add(new Parameter(prefix + ".bias", b, false));
    return new Linear(wt, b);
  }

  /**
   * A convolution whose stride equals its kernel (ViT's patch projection: weight [out, in, kh, kw], bias [out]) as the
   * linear map it is on flattened patches: the weight is returned as [in * kh * kw, out], with the inputs in (channel,
   * row, column) order. That [in * kh * kw, out] copy is the parameter (so training updates the very tensor the forward
   * pass reads), saved in the checkpoint's [out, in, kh, kw] shape.
   */
  public Linear patchProjection(String prefix, int out, int in, int kh, int kw) {
    NDArray w = read(prefix + ".weight", Kind.WEIGHT, out, in, kh, kw);
    NDArray flat = w.reshape(out, (long) in * kh * kw);
    NDArray view = flat.transpose();
    NDArray wt = view.duplicate(); // contiguous, and no view of a tensor created before gradients were asked for
    view.close();
    flat.close();
    w.close();
    parameters.add(new Parameter(prefix + ".weight", wt, true, new Shape(out, in, kh, kw)));
    NDArray b = read(prefix + ".bias", Kind.BIAS, out);
    parameters.add(new Parameter(prefix + ".bias", b, false));
    return new Linear(wt, b);
  }

  /** A linear layer without bias (ModernBERT, DeBERTa's shared position projection in some configs). */
  public Linear linearNoBias(String prefix, int in, int out) {
    return new Linear(weightT(prefix, in, out), null);
  }

  /** A linear layer with or without bias, as a config flag says (ModernBERT's attention_bias, ViT's qkv_bias). */
  public Linear linear(String prefix, int in, int out, boolean bias) {
    return bias ? linear(prefix, in, out) : linearNoBias(prefix, in, out);
  }

  private NDArray weightT(String prefix, int in, int out) {
    NDArray w = read(prefix + ".weight", Kind.WEIGHT, out, in);
    NDArray wt = w.transpose().duplicate(); // contiguous copy, so matMul does not re-stride per batch
    w.close();
    parameters.add(new Parameter(prefix + ".weight", wt, true));
    return wt;
  }

  /** A LayerNorm's gamma and beta; old BERT checkpoints call them gamma/beta instead of weight/bias. */
  public LayerNormParams layerNorm(String prefix, int size, double eps) {
    boolean legacy = file != null && file.entry(prefix + ".weight") == null && file.entry(prefix + ".gamma") != null;
    String g = prefix + (legacy ? ".gamma" : ".weight");
    String b = prefix + (legacy ? ".beta" : ".bias");
    NDArray gamma = read(g, Kind.GAMMA, size);
    parameters.add(new Parameter(g, gamma, false));
    NDArray beta = read(b, Kind.BIAS, size);
    parameters.add(new Parameter(b, beta, false));
    return new LayerNormParams(gamma, beta, eps);
  }

  /** A LayerNorm without beta (ModernBERT's norm_bias = false). */
  public LayerNormParams layerNormNoBias(String prefix, int size, double eps) {
    NDArray gamma = read(prefix + ".weight", Kind.GAMMA, size);
    parameters.add(new Parameter(prefix + ".weight", gamma, false));
    return new LayerNormParams(gamma, null, eps);
  }

  /** A LayerNorm with or without beta, as a config flag says (ModernBERT's norm_bias). */
  public LayerNormParams layerNorm(String prefix, int size, double eps, boolean bias) {
    return bias ? layerNorm(prefix, size, eps) : layerNormNoBias(prefix, size, eps);
  }

  /**
   * Fails when the file holds encoder layers the config does not declare: a silent mismatch would explain a different model.
   * Heads for other tasks (masked LM), position_ids buffers and the like are ignored.
   */
  public void requireNoUnusedLayers(List<String> layerPrefixes, int numLayers) {
    if (file == null) {
      return;
    }
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
      throw new CheckpointException(file.where() + ": holds " + extra.size() + " encoder tensors that config.json ("
          + numLayers + " layers) does not use, e.g. '" + extra.iterator().next() + "'");
    }
  }

  /** Every tensor loaded so far, in load order: what training updates and what a checkpoint writer saves. */
  public List<Parameter> parameters() {
    return List.copyOf(parameters);
  }

  /**
   * A loaded tensor under its checkpoint name; transposed = held as [in, out] while the file stores [out, in];
   * storedShape (null: array's shape, transposed if so) = the shape the file stores, when it has more axes (a patch
   * convolution held as its linear map).
   */
  public record Parameter(String name, NDArray array, boolean transposed, Shape storedShape) {
    public Parameter(String name, NDArray array, boolean transposed) {
      this(name, array, transposed, null);
    }

    /** The tensor as the checkpoint stores it, in array's manager. */
    public NDArray asStored() {
      NDArray a = transposed ? array.transpose() : array;
      return storedShape == null ? a : a.reshape(storedShape);
    }
  }

  /** y = x W^T + b with W stored transposed; bias may be null. */
  public record Linear(NDArray weightT, NDArray bias) {
    public NDArray apply(NDArray x) {
      NDArray y = x.matMul(weightT);
      return bias == null ? y : y.addi(bias);
    }

    public int out() {
      return (int) weightT.getShape().get(1);
    }

    /**
     * Output features [from, to) as a linear layer of their own: views into this layer's weight and bias (no copy; torch's
     * matmul takes a column slice of a row-major matrix as it is, through the leading dimension). A fused projection
     * (ModernBERT's Wqkv, GeGLU's Wi) split this way is computed exactly as before, but the backward pass meets no slice
     * of its output: slicing an output allocates and zero-fills a gradient of the whole fused width per slice, and
     * multiplies the zeros of parts no gradient reaches (q and k under the AH rule) back through the whole weight.
     */
    public Linear columns(long from, long to) {
      return new Linear(weightT.get(new ai.djl.ndarray.index.NDIndex(":, {}:{}", from, to)),
          bias == null ? null : bias.get(new ai.djl.ndarray.index.NDIndex("{}:{}", from, to)));
    }
  }

  /** gamma and beta (beta null: no bias) of a LayerNorm over the last axis. */
  public record LayerNormParams(NDArray gamma, NDArray beta, double eps) {}

  private record RandomInit(Random rnd, boolean zeroBiases) {
    float[] values(Kind kind, long... shape) {
      long n = 1;
      for (long s : shape) {
        n *= s;
      }
      float[] v = new float[(int) n];
      switch (kind) {
        case TABLE -> fill(v, 0, 1);
        case WEIGHT -> fill(v, 0, 1 / Math.sqrt(n / shape[0])); // 1 / fan_in: all but the output axis (convolutions)
        case GAMMA -> fill(v, 1, 0.1);
        case BIAS -> {
          if (!zeroBiases) {
            fill(v, 0, 0.1);
          }
        }
        default -> throw new IllegalStateException();
      }
      return v;
    }

    private void fill(float[] v, double mean, double std) {
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (mean + rnd.nextGaussian() * std);
      }
    }
  }
}
