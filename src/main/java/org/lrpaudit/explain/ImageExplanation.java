package org.lrpaudit.explain;

import java.util.List;
import org.lrpaudit.model.PatchGrid;

/**
 * One image explained by one method (the image twin of {@link Explanation}). patches: every sequence position, [CLS]
 * first; relevanceSum = their sum; conservationGap = explainedLogit - relevanceSum. pixelGradientTimesInput: the
 * pixel-level view, x * df_c/dx at the processed pixel values through the method's graph, summed over channels
 * [height * width], for the propagation methods (null for the baselines, which have no gradient at h0).
 */
public record ImageExplanation(
    String image,
    String method,
    String modelId,
    float[] logits,
    int predicted,
    String predictedLabel,
    int explainedClass,
    String explainedLabel,
    double explainedLogit,
    List<PatchRelevance> patches,
    double relevanceSum,
    double conservationGap,
    PatchGrid grid,
    double[] pixelGradientTimesInput) implements ExplainedOutput {

  /**
   * The patch view as pixels [height * width]: each patch's relevance spread evenly over its patch x patch pixels, so
   * the pixels of a patch sum to its relevance. [CLS] covers no pixels and is left out: the map sums to relevanceSum
   * minus [CLS]'s relevance.
   */
  public double[] patchHeatmap() {
    int w = grid.width();
    double[] out = new double[grid.height() * w];
    double area = (double) grid.patch() * grid.patch();
    for (int y = 0; y < grid.height(); y++) {
      for (int x = 0; x < w; x++) {
        out[y * w + x] = patches.get(grid.position(y, x)).relevance() / area;
      }
    }
    return out;
  }
}
