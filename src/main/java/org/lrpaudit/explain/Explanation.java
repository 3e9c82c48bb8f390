package org.lrpaudit.explain;

import java.util.List;

/**
 * One text explained by one method. relevanceSum = sum of token relevance; conservationGap = explainedLogit - relevanceSum,
 * which is 0 (up to float32 rounding) for lrp-ah-ln on a bias-free model, and otherwise what the biases absorb.
 */
public record Explanation(
    String text,
    String method,
    String modelId,
    float[] logits,
    int predicted,
    String predictedLabel,
    int explainedClass,
    String explainedLabel,
    double explainedLogit,
    List<TokenRelevance> tokens,
    List<TokenRelevance> words,
    double relevanceSum,
    double conservationGap,
    boolean truncated,
    String pair) implements ExplainedOutput {
  /** An explanation of a single text (no pair). */
  public Explanation(String text, String method, String modelId, float[] logits, int predicted, String predictedLabel,
      int explainedClass, String explainedLabel, double explainedLogit, List<TokenRelevance> tokens,
      List<TokenRelevance> words, double relevanceSum, double conservationGap, boolean truncated) {
    this(text, method, modelId, logits, predicted, predictedLabel, explainedClass, explainedLabel, explainedLogit, tokens,
        words, relevanceSum, conservationGap, truncated, null);
  }
}
