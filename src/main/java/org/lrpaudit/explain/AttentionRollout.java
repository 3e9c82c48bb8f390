package org.lrpaudit.explain;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * rollout (Abnar and Zuidema 2020): per layer A = mean_heads(P) + I, rows normalised to sum 1 (the residual stream carries
 * as much as attention), rolled out from the first layer up, rollout = A_L ... A_2 A_1; token scores are the sums over
 * query rows. Padded query rows are dropped; padded keys get 0 from every real row, so they end at exactly 0.
 */
public record AttentionRollout() implements RelevanceMethod {
  @Override
  public double[] relevance(BatchPass pass) {
    List<NDArray> maps = AttentionMaps.headMeans(pass);
    long l = pass.batch().length();
    NDArray eye = pass.manager().eye((int) l).toType(maps.get(0).getDataType(), false);
    NDArray rollout = null;
    for (NDArray p : maps) {
      NDArray a = p.add(eye);
      a = a.div(a.sum(new int[] {-1}, true));
      rollout = rollout == null ? a : a.matMul(rollout);
    }
    return AttentionMaps.sumOverQueries(pass, rollout);
  }
}
