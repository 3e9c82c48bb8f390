package org.lrpaudit.model;

/**
 * The geometry of a vision Transformer's input: channels x height x width pixels cut into square patches of patch x patch
 * pixels, numbered row by row (HuggingFace's Conv2d(stride = patch).flatten(2) order). Sequence position 0 is [CLS], so
 * patch (row, col) is position 1 + row * cols + col.
 */
public record PatchGrid(int channels, int height, int width, int patch) {
  public PatchGrid {
    if (channels < 1 || patch < 1 || height < patch || width < patch || height % patch != 0 || width % patch != 0) {
      throw new IllegalArgumentException("a " + height + "x" + width + " image is not a whole number of " + patch + "x"
          + patch + " patches");
    }
  }

  public int rows() {
    return height / patch;
  }

  public int cols() {
    return width / patch;
  }

  public int patches() {
    return rows() * cols();
  }

  /** Sequence length: the patches and [CLS]. */
  public int length() {
    return 1 + patches();
  }

  /** Values of one image, channels x height x width. */
  public int pixelValues() {
    return channels * height * width;
  }

  /** The sequence position of the patch that holds pixel (y, x). */
  public int position(int y, int x) {
    return 1 + (y / patch) * cols() + x / patch;
  }
}
