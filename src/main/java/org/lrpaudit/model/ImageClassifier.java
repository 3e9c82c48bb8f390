package org.lrpaudit.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;

/**
 * An image classifier ready to run: its image processor and its network, loaded once and shared by the threads of a JVM
 * (the image twin of {@link TextClassifier}).
 */
public final class ImageClassifier extends LoadedClassifier {
  private final ImageProcessor processor;

  private ImageClassifier(Checkpoint checkpoint, ImageProcessor processor, SequenceClassifier model) {
    super(checkpoint, model);
    this.processor = processor;
  }

  public static ImageClassifier load(String location, Device device, DataType dataType) {
    Checkpoint cp = Checkpoint.open(location);
    if (!cp.isImage()) {
      throw new CheckpointException(location + ": model_type '" + cp.config().modelType() + "' is a text classifier; "
          + "explain it with explain-text");
    }
    SequenceClassifier model = loadNetwork(cp, device, dataType);
    try {
      return new ImageClassifier(cp, ImageProcessor.read(cp.preprocessor(), model.grid()), model);
    } catch (RuntimeException e) {
      model.close();
      throw e;
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

  public ImageProcessor processor() {
    return processor;
  }

  public PatchGrid grid() {
    return model().grid();
  }
}
