package org.lrpaudit.model;

import ai.djl.ndarray.NDArray;

/** Sees each layer's attention probabilities P [B, heads, L, L] as the forward pass computes them. */
@FunctionalInterface
public interface AttentionObserver {
  void onAttention(int layer, NDArray probabilities);
}
