package org.lrpaudit.eval;

/**
 * One text's curves under one method: activation = softmax[y] while tokens are put back highest relevance first;
 * pruningProbability = softmax[y] and pruningChange = sum_c (y0 - y)^2 of the logits while tokens are removed lowest
 * absolute relevance first. One value per step.
 */
public record TextCurves(double[] activation, double[] pruningProbability, double[] pruningChange) {

  /**
   * @param original logits of the unchanged text
   * @param activationLogits logits of the activation task's inputs, one per step
   * @param pruningLogits logits of the pruning task's inputs, one per step
   * @param gold the gold label y
   */
  public static TextCurves of(double[] original, double[][] activationLogits, double[][] pruningLogits, int gold) {
    int steps = activationLogits.length;
    double[] act = new double[steps];
    double[] prob = new double[steps];
    double[] change = new double[steps];
    for (int k = 0; k < steps; k++) {
      act[k] = Curves.probability(activationLogits[k], gold);
      prob[k] = Curves.probability(pruningLogits[k], gold);
      change[k] = Curves.squaredChange(original, pruningLogits[k]);
    }
    return new TextCurves(act, prob, change);
  }
}
