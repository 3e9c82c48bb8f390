package org.lrpaudit.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.lrpaudit.rules.PropagationRules;

/**
 * A sequence classifier of any supported family (see {@link ModelFamilies}), written with DJL NDArray operations. Its
 * weights live in one long-lived manager and are only read, so several threads may run batches at once, each in its own
 * per-batch manager. What is family-specific (tensor names, embeddings, blocks, head) is in the family's class.
 */
public final class SequenceClassifier implements AutoCloseable {
  private final ModelConfig config;
  private final NDManager manager;
  private final DataType dataType;
  private final Network network;
  private final List<Weights.Parameter> parameters;

  private SequenceClassifier(ModelConfig config, NDManager manager, DataType dataType, Network network,
      List<Weights.Parameter> parameters) {
    this.config = config;
    this.manager = manager;
    this.dataType = dataType;
    this.network = network;
    this.parameters = parameters;
  }

  /** Loads the weights named as HuggingFace names them for config.modelType(); float64 is for numerical tests. */
  public static SequenceClassifier load(ModelConfig config, TensorSource file, Device device, DataType dataType) {
    NDManager manager = NDManager.newBaseManager(device);
    try {
      Weights w = new Weights(file, manager, dataType);
      Network network = config.family().build(config, w);
      return new SequenceClassifier(config, manager, dataType, network, w.parameters());
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Every weight under its checkpoint name (for training and saving). */
  public List<Weights.Parameter> parameters() {
    return parameters;
  }

  public ModelConfig config() {
    return config;
  }

  public ai.djl.Device device() {
    return manager.getDevice();
  }

  public DataType dataType() {
    return dataType;
  }

  /** h0 [B, L, E]: the embedding layer's output, in the batch's manager. */
  public NDArray embed(NDManager batch, EncodedBatch input) {
    return network.embed(batch, input);
  }

  /** An image classifier's h0 [B, 1 + patches, D] from pixel values [B, C, H, W] (see {@link ImageNetwork}). */
  public NDArray embedPixels(NDArray pixels) {
    return imageNetwork().embedPixels(pixels);
  }

  /** An image classifier's input geometry. */
  public PatchGrid grid() {
    return imageNetwork().grid();
  }

  private ImageNetwork imageNetwork() {
    if (network instanceof ImageNetwork n) {
      return n;
    }
    throw new UnsupportedOperationException("model_type '" + config.modelType() + "' is a text classifier");
  }

  /** [B, 1, 1, L]: 0 for real tokens, the most negative finite value of the data type for padding (added to scores). */
  public NDArray maskBias(NDManager batch, EncodedBatch input) {
    float[] mask = input.mask();
    Shape shape = new Shape(input.size(), 1, 1, input.length());
    if (dataType == DataType.FLOAT64) {
      double[] bias = new double[mask.length];
      for (int i = 0; i < mask.length; i++) {
        bias[i] = mask[i] > 0 ? 0 : -Double.MAX_VALUE;
      }
      return batch.create(bias, shape);
    }
    float[] bias = new float[mask.length];
    for (int i = 0; i < mask.length; i++) {
      bias[i] = mask[i] > 0 ? 0 : -Float.MAX_VALUE;
    }
    return batch.create(bias, shape);
  }

  /** Logits [B, labels] from h0 under the given rules; the observer (nullable) sees each layer's attention. */
  public NDArray logits(NDArray h0, NDArray maskBias, PropagationRules rules, AttentionObserver observer) {
    return hookedLogits(h0, maskBias, rules, AttentionHook.of(observer));
  }

  /** Logits [B, labels] from h0; the hook (nullable) sees each layer's attention P and returns the P to use. */
  public NDArray hookedLogits(NDArray h0, NDArray maskBias, PropagationRules rules, AttentionHook hook) {
    return network.head(network.encode(h0, maskBias, rules, hook), maskBias, rules);
  }

  /** The last encoder layer's output [B, L, D] from h0 (HuggingFace's last_hidden_state), before the head. */
  public NDArray encode(NDArray h0, NDArray maskBias, PropagationRules rules) {
    return network.encode(h0, maskBias, rules, null);
  }

  /**
   * Row k of logits [B, labels] as float32, stored at out[rows.get(k)]: a batch's logits put back in input order (a
   * batch holds the inputs rows names, in that order).
   */
  public static void copyRows(NDArray logits, List<Integer> rows, float[][] out) {
    float[] flat = logits.toType(DataType.FLOAT32, false).toFloatArray();
    int c = (int) logits.getShape().get(1);
    for (int k = 0; k < rows.size(); k++) {
      out[rows.get(k)] = Arrays.copyOfRange(flat, k * c, (k + 1) * c);
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
