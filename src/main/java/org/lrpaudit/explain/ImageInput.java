package org.lrpaudit.explain;

/**
 * One image to explain: a name for the output (its file), its pixel values [channels * height * width] as the model's
 * image processor made them, and optionally its gold label (for --target label).
 */
public record ImageInput(String name, float[] pixels, Integer label) {
  public static ImageInput of(String name, float[] pixels) {
    return new ImageInput(name, pixels, null);
  }
}
