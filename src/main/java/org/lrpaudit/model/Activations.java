package org.lrpaudit.model;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;
import org.lrpaudit.tensor.Constants;

/**
 * The element-wise activations the supported checkpoints use, by their config.json names. Constants enter as arrays of the
 * batch ({@link Constants}), never as Java numbers: gradients cross these functions.
 */
public final class Activations {
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
  private static final double SQRT_2 = Math.sqrt(2);

  /** Every activation name a config.json may give (hidden_act, activation, hidden_activation, pooler_hidden_act, ...). */
  public static final java.util.List<String> NAMES = java.util.List.of("gelu", "gelu_new", "gelu_pytorch_tanh", "relu",
      "tanh");

  private Activations() {}

  public static UnaryOperator<NDArray> byName(String name) {
    return switch (name) {
      case "gelu" -> Activations::geluErf;
      case "gelu_new", "gelu_pytorch_tanh" -> Activations::geluTanh;
      case "relu" -> Activations::relu;
      case "tanh" -> NDArray::tanh;
      default -> throw new CheckpointException("activation '" + name + "' is not supported (supported: "
          + String.join(", ", NAMES) + ")");
    };
  }

  /** HuggingFace "gelu": x/2 (1 + erf(x / sqrt 2)), the exact form. */
  public static NDArray geluErf(NDArray x) {
    return x.div(Constants.of(x, SQRT_2)).erf().addi(Constants.of(x, 1)).muli(x).muli(Constants.of(x, 0.5));
  }

  /** HuggingFace "gelu_new" (GPT-2, BERT-tanh): x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
  public static NDArray geluTanh(NDArray x) {
    // x * x * x, not pow(3): pow's backward reads its own output, which the in-place ops after it would overwrite.
    NDArray inner = x.mul(x).muli(x).muli(Constants.of(x, 0.044715)).addi(x).muli(Constants.of(x, SQRT_2_OVER_PI));
    // Not in place after tanh: tanh's backward reads its own output.
    return inner.tanh().add(Constants.of(x, 1)).muli(x).muli(Constants.of(x, 0.5));
  }

  public static NDArray relu(NDArray x) {
    return x.maximum(Constants.of(x, 0));
  }
}
