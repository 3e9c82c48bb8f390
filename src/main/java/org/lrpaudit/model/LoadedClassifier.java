package org.lrpaudit.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

/**
 * A checkpoint and its network, loaded once and shared by the threads of a JVM: what text and image classifiers have in
 * common. Each adds how its inputs become model inputs (a tokenizer, an image processor).
 */
public abstract sealed class LoadedClassifier implements AutoCloseable permits TextClassifier, ImageClassifier {
  private final Checkpoint checkpoint;
  private final SequenceClassifier model;

  LoadedClassifier(Checkpoint checkpoint, SequenceClassifier model) {
    this.checkpoint = checkpoint;
    this.model = model;
  }

  /** The network of an opened checkpoint, its weights file closed again once read. */
  static SequenceClassifier loadNetwork(Checkpoint cp, Device device, DataType dataType) {
    try (TensorSource file = cp.openWeights()) {
      return SequenceClassifier.load(cp.config(), file, device, dataType);
    }
  }

  public Checkpoint checkpoint() {
    return checkpoint;
  }

  public ModelConfig config() {
    return checkpoint.config();
  }

  public String modelId() {
    return checkpoint.modelId();
  }

  public SequenceClassifier model() {
    return model;
  }

  @Override
  public void close() {
    model.close();
  }
}
