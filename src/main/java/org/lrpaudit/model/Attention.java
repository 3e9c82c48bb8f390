package org.lrpaudit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.lrpaudit.rules.PropagationRules;
import org.lrpaudit.tensor.Constants;

/** The parts of multi-head softmax attention every family shares; the AH rule point is in {@link #context}. */
public final class Attention {
  private Attention() {}

  /** [B, L, H * dh] to [B, H, L, dh]. */
  public static NDArray split(NDArray t, int heads) {
    Shape s = t.getShape();
    return t.reshape(new Shape(s.get(0), s.get(1), heads, s.get(2) / heads)).transpose(0, 2, 1, 3);
  }

  /** [B, H, L, dh] to [B, L, H * dh]. */
  public static NDArray merge(NDArray ctx) {
    Shape s = ctx.getShape();
    return ctx.transpose(0, 2, 1, 3).reshape(new Shape(s.get(0), s.get(2), s.get(1) * s.get(3)));
  }

  /**
   * Multi-head scaled dot-product self-attention of the post-LN and pre-norm blocks: q, k, v = x W + b split into heads,
   * scores = q k^T / sqrt(dh), then {@link #context} (the AH rule point). Returns the heads merged, [B, L, D].
   */
  public static NDArray selfAttention(NDArray x, Weights.Linear query, Weights.Linear key, Weights.Linear value,
      int heads, NDArray maskBias, PropagationRules rules, AttentionHook hook, int layer) {
    long dh = x.getShape().get(2) / heads;
    NDArray q = split(query.apply(x), heads);
    NDArray k = split(key.apply(x), heads);
    NDArray v = split(value.apply(x), heads);
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).divi(Constants.of(q, Math.sqrt(dh)));
    return context(scores, maskBias, v, rules, hook, layer); // rule point: AH (inside)
  }

  /**
   * P = softmax(scores + maskBias) over the keys, shown to the hook, then ctx = rule(P) @ V, heads merged to [B, L, D].
   * scores are [B, H, L, L], already scaled; maskBias broadcasts to them.
   */
  public static NDArray context(NDArray scores, NDArray maskBias, NDArray v, PropagationRules rules, AttentionHook hook,
      int layer) {
    NDArray p = scores.addi(maskBias).softmax(-1);
    if (hook != null) {
      p = hook.apply(layer, p);
    }
    return merge(rules.attentionProbabilities(p).matMul(v)); // rule point: AH
  }
}
