package org.lrpaudit.model;

import ai.djl.ndarray.NDArray;

/**
 * Sees each layer's attention probabilities P [B, heads, L, L] and returns the P the layer goes on with. Returning p itself
 * observes only (attention baselines); gae returns p + a zero leaf to read df/dP off that leaf's gradient, and tests return
 * a perturbed p to take finite differences in P.
 */
@FunctionalInterface
public interface AttentionHook {
  NDArray apply(int layer, NDArray probabilities);

  /** The hook that only shows P to an observer. */
  static AttentionHook of(AttentionObserver observer) {
    return observer == null ? null : (layer, p) -> {
      observer.onAttention(layer, p);
      return p;
    };
  }
}
