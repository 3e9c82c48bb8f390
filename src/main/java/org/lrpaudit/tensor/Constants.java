package org.lrpaudit.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Numbers as arrays of the batch, for arithmetic on arrays that a gradient will cross.
 *
 * <p>Why: DJL's array-with-number ops ({@code x.div(2.0)}, {@code x.muli(0.5)}, {@code x.pow(3)}, {@code x.maximum(0)})
 * wrap the number in a temporary tensor over a Java direct buffer and close it as soon as the op returns. Under grad mode
 * libtorch's autograd has saved that tensor for the backward pass, but the tensor does not own its bytes: once the JVM
 * collects the buffer, the backward pass reads freed memory (an input gradient of inf/NaN, or finite and wrong). An array
 * made here belongs to the manager of {@code like} (the batch's), so it stays alive until that manager closes, after the
 * backward pass. docs/native-memory.md has the measurements.
 */
public final class Constants {
  private Constants() {}

  /** {@code value} as a 0-d array of like's data type, in like's manager (and so on its device). */
  public static NDArray of(NDArray like, double value) {
    NDManager m = like.getManager();
    DataType type = like.getDataType();
    return switch (type) {
      case FLOAT32 -> m.create((float) value);
      case FLOAT64 -> m.create(value);
      default -> m.create((float) value).toType(type, false);
    };
  }
}
