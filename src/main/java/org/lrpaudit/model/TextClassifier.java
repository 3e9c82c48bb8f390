package org.lrpaudit.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

/** A checkpoint ready to run: its tokenizer and its encoder, loaded once and shared by the threads of a JVM. */
public final class TextClassifier extends LoadedClassifier {
  private final TextTokenizer tokenizer;

  private TextClassifier(Checkpoint checkpoint, TextTokenizer tokenizer, SequenceClassifier model) {
    super(checkpoint, model);
    this.tokenizer = tokenizer;
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
    try {
      return new TextClassifier(cp, tok, loadNetwork(cp, device, dataType));
    } catch (RuntimeException e) {
      tok.close();
      throw e;
    }
  }

  public static TextClassifier load(String location, int maxLength) {
    return load(location, maxLength, Device.cpu(), DataType.FLOAT32);
  }

  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public void close() {
    super.close();
    tokenizer.close();
  }
}
