package org.lrpaudit.explain;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.lrpaudit.model.AttentionHook;
import org.lrpaudit.rules.PropagationRules;

/**
 * Runs the plain forward pass of a batch once and keeps every layer's head-averaged attention probabilities
 * mean_heads(P) [B, L, L] (query rows, key columns); reports the logits to the pass. Shared by attn-last and rollout.
 */
final class AttentionMaps {
  private AttentionMaps() {}

  static List<NDArray> headMeans(BatchPass pass) {
    List<NDArray> maps = new ArrayList<>();
    AttentionHook keep = (layer, p) -> {
      maps.add(p.mean(new int[] {1}));
      return p;
    };
    ai.djl.pytorch.jni.JniUtils.setGradMode(false);
    pass.chooseClasses(pass.model().hookedLogits(pass.h0(), pass.maskBias(), PropagationRules.GRADIENT, keep));
    return maps;
  }

  /** Sum over the real query rows of a [B, L, L] map: token (key) scores [B * L]; padded keys get exactly 0. */
  static double[] sumOverQueries(BatchPass pass, NDArray map) {
    return BatchPass.toDoubles(map.mul(pass.realRows()).sum(new int[] {1}));
  }
}
