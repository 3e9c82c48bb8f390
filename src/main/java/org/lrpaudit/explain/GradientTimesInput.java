package org.lrpaudit.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.lrpaudit.rules.PropagationRules;

/**
 * Gradient x Input at h0 through the graph that the propagation rules shape: R_t = sum_d h0[t,d] df_c/dh0[t,d]. With
 * plain rules this is gi, with the AH/LN/identity rules it is LRP (lrp-ah, lrp-ln, lrp-ah-ln).
 */
public record GradientTimesInput(PropagationRules rules) implements RelevanceMethod {
  @Override
  public double[] relevance(BatchPass pass) {
    NDArray h0 = pass.h0();
    JniUtils.setGradMode(true);
    h0.setRequiresGradient(true);
    NDArray logits = pass.model().logits(h0, pass.maskBias(), rules, null);
    pass.chooseClasses(logits);
    // Rows are independent (attention never crosses rows), so one backward pass of sum_k f_{c_k}(row k) gives every
    // row's own gradient.
    JniUtils.backward((PtNDArray) logits, (PtNDArray) pass.classSeed(logits), false, false);
    JniUtils.setGradMode(false);
    return BatchPass.toDoubles(h0.mul(h0.getGradient()).sum(new int[] {2}));
  }
}
