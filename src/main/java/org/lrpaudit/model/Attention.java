package org.lrpaudit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.lrpaudit.rules.PropagationRules;

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
