package org.lrpaudit.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

/** A checkpoint ready to run: its tokenizer and its encoder, loaded once and shared by the threads of a JVM. */
public final class TextClassifier implements AutoCloseable {
  private final Checkpoint checkpoint;
  private final TextTokenizer tokenizer;
  private final SequenceClassifier model;

  private TextClassifier(Checkpoint checkpoint, TextTokenizer tokenizer, SequenceClassifier model) {
    this.checkpoint = checkpoint;
    this.tokenizer = tokenizer;
    this.model = model;
  }

  /**
   * @param maxLength longest token sequence to feed, [CLS] and [SEP] included; capped at the model's positions
   */
  public static TextClassifier load(String location, int maxLength, Device device, DataType dataType) {
    if (maxLength < 2) {
      throw new IllegalArgumentException("max length must be at least 2 (for [CLS] and [SEP]), got " + maxLength);
    }
    Checkpoint cp = Checkpoint.open(location).requireText();
    int length = Math.min(maxLength, cp.config().maxPositions());
    TextTokenizer tok = new TextTokenizer(cp.tokenizer(), length, cp.config().vocabSize());
    try (TensorSource file = cp.openWeights()) {
      return new TextClassifier(cp, tok, SequenceClassifier.load(cp.config(), file, device, dataType));
    } catch (RuntimeException e) {
      tok.close();
      throw e;
    }
  }

  public static TextClassifier load(String location, int maxLength) {
    return load(location, maxLength, Device.cpu(), DataType.FLOAT32);
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

  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  public SequenceClassifier model() {
    return model;
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }
}
