package org.lrpaudit.api;

import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.Target;

/**
 * How RelevanceModel explains: the method (gi, lrp-ah, lrp-ln, lrp-ah-ln, or a baseline), the target (predicted,
 * label:N, class:NAME), the longest token sequence and the token budget of a batch. Same names and defaults as
 * explain-text's options.
 */
public record ExplainOptions(String method, String target, int maxLength, int batchTokens) {
  public static final ExplainOptions DEFAULT = new ExplainOptions("lrp-ah-ln", "predicted", 512, 4096);

  public ExplainOptions {
    Method.parse(method);
    if (Target.parse(target) instanceof Target.GoldLabel) {
      throw new IllegalArgumentException("target 'label' needs gold labels, which RelevanceModel does not take; use "
          + "label:N for class N");
    }
    if (maxLength < 2 || batchTokens < 1) {
      throw new IllegalArgumentException("maxLength must be >= 2 and batchTokens positive, not " + maxLength + " and "
          + batchTokens);
    }
  }

  public ExplainOptions withMethod(String m) {
    return new ExplainOptions(m, target, maxLength, batchTokens);
  }

  public ExplainOptions withTarget(String t) {
    return new ExplainOptions(method, t, maxLength, batchTokens);
  }

  public ExplainOptions withMaxLength(int n) {
    return new ExplainOptions(method, target, n, batchTokens);
  }

  public ExplainOptions withBatchTokens(int n) {
    return new ExplainOptions(method, target, maxLength, n);
  }
}
