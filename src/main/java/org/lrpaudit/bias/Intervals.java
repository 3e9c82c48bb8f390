package org.lrpaudit.bias;

import java.util.Arrays;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/** Percentile intervals of bootstrap replicates, and permutation p-values. */
public final class Intervals {
  public static final double LEVEL = 0.95;

  private Intervals() {}

  /**
   * The 2.5% and 97.5% percentiles (R-7: linear interpolation between order statistics, as R's and numpy's default) of
   * the finite replicates; NaNs (replicates that resampled no row of the group) are left out. {NaN, NaN} when fewer
   * than 2 replicates are finite.
   */
  public static double[] percentile(double[] replicates) {
    double[] finite = Arrays.stream(replicates).filter(Double::isFinite).toArray();
    if (finite.length < 2) {
      return new double[] {Double.NaN, Double.NaN};
    }
    Percentile p = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
    p.setData(finite);
    double tail = 100 * (1 - LEVEL) / 2;
    return new double[] {p.evaluate(tail), p.evaluate(100 - tail)};
  }

  /**
   * The interval of |x| given an interval of x: its image under the absolute value. Used for Fairlearn's
   * max - min difference, whose own bootstrap percentiles are biased away from 0 (for two alike groups the point value
   * then falls below its interval); this image always holds |estimate| when the signed interval holds the estimate.
   */
  public static double[] absolute(double[] signed) {
    double lo = Math.abs(signed[0]);
    double hi = Math.abs(signed[1]);
    if (signed[0] <= 0 && signed[1] >= 0) {
      return new double[] {0, Math.max(lo, hi)};
    }
    return new double[] {Math.min(lo, hi), Math.max(lo, hi)};
  }

  /**
   * Two-sided p-value of an observed statistic against its relabelled values. Monte Carlo (the observed labelling is not
   * among them): (1 + #{|t_r| >= |t|}) / (1 + R), never 0 (Phipson and Smyth 2010). Exact (every labelling enumerated,
   * the observed one included): #{|t_r| >= |t|} / R. A tolerance of 1e-9 relative keeps ties tied under rounding.
   */
  public static double pValue(double observed, double[] relabelled, boolean exact) {
    double bound = Math.abs(observed) * (1 - 1e-9) - 1e-300;
    long extreme = Arrays.stream(relabelled).filter(t -> Math.abs(t) >= bound).count();
    return exact ? (double) extreme / relabelled.length : (1.0 + extreme) / (1.0 + relabelled.length);
  }
}
