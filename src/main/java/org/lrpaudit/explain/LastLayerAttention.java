package org.lrpaudit.explain;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** attn-last: the last layer's attention, mean over heads, summed over query rows (how much each token is attended to). */
public record LastLayerAttention() implements RelevanceMethod {
  @Override
  public double[] relevance(BatchPass pass) {
    List<NDArray> maps = AttentionMaps.headMeans(pass);
    return AttentionMaps.sumOverQueries(pass, maps.get(maps.size() - 1));
  }
}
