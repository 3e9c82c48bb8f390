package org.lrpaudit.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.lrpaudit.rules.PropagationRules;

/**
 * ig: Integrated Gradients from a zero baseline at h0 through the plain (gi) graph, by the midpoint rule with n steps:
 * R_t = sum_d h0[t,d] * (1/n) sum_{k=1..n} df_c/dh0[t,d] at ((k - 1/2)/n) h0. The class c is fixed by the logits of the
 * unchanged input. Completeness: sum_t R_t tends to f_c(h0) - f_c(0) as n grows. Costs n forward and backward passes.
 */
public record IntegratedGradients(int steps) implements RelevanceMethod {
  @Override
  public double[] relevance(BatchPass pass) {
    NDArray h0 = pass.h0();
    JniUtils.setGradMode(false);
    NDArray logits = pass.model().logits(h0, pass.maskBias(), PropagationRules.GRADIENT, null);
    pass.chooseClasses(logits);
    NDArray seed = pass.classSeed(logits);
    NDArray gradientSum = h0.zerosLike();
    for (int k = 1; k <= steps; k++) {
      // Each step's activations live in their own manager, closed after the step: memory stays that of one pass.
      try (NDManager step = pass.manager().newSubManager()) {
        NDArray x = h0.mul((k - 0.5) / steps);
        x.attach(step);
        JniUtils.setGradMode(true);
        x.setRequiresGradient(true);
        NDArray scaled = pass.model().logits(x, pass.maskBias(), PropagationRules.GRADIENT, null);
        JniUtils.backward((PtNDArray) scaled, (PtNDArray) seed, false, false);
        JniUtils.setGradMode(false);
        gradientSum.addi(x.getGradient());
      }
    }
    return BatchPass.toDoubles(h0.mul(gradientSum).sum(new int[] {2}).divi(steps));
  }
}
