package org.lrpaudit.eval;

import java.util.Locale;
import org.lrpaudit.explain.ImageExplanation;
import org.lrpaudit.explain.Method;
import org.lrpaudit.model.PatchGrid;

/**
 * What image flipping removes and puts back, one at a time: a patch (all its pixels) or a single pixel (all its
 * channels). Each unit is a position of {@link Perturbation}, which ranks them as it ranks tokens; a pixel of the image
 * is removed when the position it belongs to is.
 *
 * <ul>
 *   <li>patch: positions are the model's sequence, [CLS] (index 0, special: it stays, covers no pixel) then the patches
 *       row by row; ranked by the method's patch relevance.
 *   <li>pixel: positions are the pixels row by row (none special); ranked by the method's pixel view where it has one
 *       (gi and the LRP methods: Gradient x Input at the pixels through the method's graph, summed over channels),
 *       else by the patch relevance spread evenly over the patch's pixels (the baselines: they give one value per
 *       patch and no gradient at the pixels).
 * </ul>
 */
public enum FlipUnit {
  PATCH, PIXEL;

  /** The ranking a pixel unit uses for a method without a pixel view. */
  public static final String PATCH_SPREAD = "patch-spread";
  public static final String PIXEL_GRADIENT_X_INPUT = "pixel-gradient-x-input";
  public static final String PATCH_RELEVANCE = "patch-relevance";

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static FlipUnit parse(String s) {
    for (FlipUnit u : values()) {
      if (u.id().equals(s.trim().toLowerCase(Locale.ROOT))) {
        return u;
      }
    }
    throw new IllegalArgumentException("unit must be patch or pixel, not '" + s + "'");
  }

  /** How many positions an image has in this unit. */
  public int positions(PatchGrid grid) {
    return this == PATCH ? grid.length() : grid.height() * grid.width();
  }

  /** Which positions never change ([CLS] for patches). */
  public boolean[] special(PatchGrid grid) {
    boolean[] special = new boolean[positions(grid)];
    if (this == PATCH) {
      special[0] = true;
    }
    return special;
  }

  /** The position each pixel (y * width + x) belongs to. */
  public int[] positionOfPixel(PatchGrid grid) {
    int w = grid.width();
    int[] out = new int[grid.height() * w];
    for (int y = 0; y < grid.height(); y++) {
      for (int x = 0; x < w; x++) {
        out[y * w + x] = this == PATCH ? grid.position(y, x) : y * w + x;
      }
    }
    return out;
  }

  /** The relevance the positions are ranked by, one value per position. */
  public double[] ranking(ImageExplanation e) {
    if (this == PATCH) {
      return e.patches().stream().mapToDouble(p -> p.relevance()).toArray();
    }
    return e.pixelGradientTimesInput() != null ? e.pixelGradientTimesInput() : e.patchHeatmap();
  }

  /**
   * The name of the ranking {@link #ranking} uses for a method's explanations (a column of the evaluate-images table):
   * ImageExplainer gives the propagation methods, and only them, a pixel view.
   */
  public String rankingName(Method method) {
    if (this == PATCH) {
      return PATCH_RELEVANCE;
    }
    return method.isPropagation() ? PIXEL_GRADIENT_X_INPUT : PATCH_SPREAD;
  }
}
