package org.lrpaudit.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;

/**
 * An image classifier ready to run: its image processor and its network, loaded once and shared by the threads of a JVM
 * (the image twin of {@link TextClassifier}).
 */
public final class ImageClassifier implements AutoCloseable {
  private final Checkpoint checkpoint;
  private final ImageProcessor processor;
  private final SequenceClassifier model;

  private ImageClassifier(Checkpoint checkpoint, ImageProcessor processor, SequenceClassifier model) {
    this.checkpoint = checkpoint;
    this.processor = processor;
    this.model = model;
  }

  public static ImageClassifier load(String location, Device device, DataType dataType) {
    Checkpoint cp = Checkpoint.open(location);
    if (!cp.isImage()) {
      throw new CheckpointException(location + ": model_type '" + cp.config().modelType() + "' is a text classifier; "
          + "explain it with explain-text");
    }
    try (TensorSource file = cp.openWeights()) {
      SequenceClassifier model = SequenceClassifier.load(cp.config(), file, device, dataType);
      try {
        return new ImageClassifier(cp, ImageProcessor.read(cp.preprocessor(), model.grid()), model);
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    }
  }

  public static ImageClassifier load(String location) {
    return load(location, Device.cpu(), DataType.FLOAT32);
  }

  /** Pixel values [channels * height * width] of an image file: read, decoded and processed, each step bounded. */
  public float[] pixels(Path file) throws ImageException {
    String name = String.valueOf(file.getFileName());
    return processor.pixels(ImageFiles.decode(ImageFiles.read(file), name, grid().patch()));
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

  public ImageProcessor processor() {
    return processor;
  }

  public SequenceClassifier model() {
    return model;
  }

  public PatchGrid grid() {
    return model.grid();
  }

  @Override
  public void close() {
    model.close();
  }
}
