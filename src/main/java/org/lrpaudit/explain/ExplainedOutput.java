package org.lrpaudit.explain;

/**
 * The model output an explanation explains, whatever the input (a text, an image): the method, the model, its logits,
 * the predicted class and the explained class with its logit f_c.
 */
public interface ExplainedOutput {
  String method();

  /** SHA-256 of the checkpoint's weights. */
  String modelId();

  float[] logits();

  int predicted();

  String predictedLabel();

  int explainedClass();

  String explainedLabel();

  double explainedLogit();
}
