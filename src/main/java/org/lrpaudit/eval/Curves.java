package org.lrpaudit.eval;

/**
 * What the faithfulness tasks record from logits, and the areas under their curves. Fractions are evenly spaced on
 * [0, 1], so a curve of S values is integrated by the trapezoid rule with spacing 1 / (S - 1).
 */
public final class Curves {
  private Curves() {}

  /** softmax(logits)[c], computed stably. */
  public static double probability(double[] logits, int c) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : logits) {
      sum += Math.exp(v - max);
    }
    return Math.exp(logits[c] - max) / sum;
  }

  /** sum over classes (y0 - y)^2 of the logits: how far the perturbed output moved from the original's. */
  public static double squaredChange(double[] original, double[] perturbed) {
    double s = 0;
    for (int i = 0; i < original.length; i++) {
      double d = original[i] - perturbed[i];
      s += d * d;
    }
    return s;
  }

  /** Trapezoid rule over fractions 0, 1/(S-1), ..., 1. */
  public static double area(double[] curve) {
    if (curve.length < 2) {
      throw new IllegalArgumentException("a curve needs at least 2 points, got " + curve.length);
    }
    double s = 0;
    for (int k = 1; k < curve.length; k++) {
      s += (curve[k - 1] + curve[k]) / 2;
    }
    return s / (curve.length - 1);
  }

  /** The fraction of step k of S. */
  public static double fraction(int k, int steps) {
    return (double) k / (steps - 1);
  }
}
