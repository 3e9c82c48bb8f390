package org.lrpaudit.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import org.lrpaudit.model.AttentionHook;
import org.lrpaudit.rules.PropagationRules;

/**
 * gae (Chefer et al. 2021, generic attention explainability): per layer A_bar = mean_heads(max(0, dA * A)), with A the
 * attention probabilities P and dA = df_c/dP through the plain (gi) graph; R = I, then R = R + A_bar R layer by layer from
 * the first; token scores are R's [CLS] row.
 *
 * <p>df_c/dP is read off a zero leaf added to P (P + Z has P's value and dZ = dP), which leaves P itself an ordinary
 * intermediate of the graph: no retained gradients, and concurrent batches in other threads are unaffected.
 */
public record GenericAttention() implements RelevanceMethod {
  @Override
  public double[] relevance(BatchPass pass) {
    List<NDArray> probabilities = new ArrayList<>();
    List<NDArray> probes = new ArrayList<>();
    AttentionHook probe = (layer, p) -> {
      NDArray z = p.zerosLike();
      z.setRequiresGradient(true);
      probabilities.add(p.stopGradient());
      probes.add(z);
      return p.add(z);
    };
    JniUtils.setGradMode(true);
    NDArray logits = pass.model().hookedLogits(pass.h0(), pass.maskBias(), PropagationRules.GRADIENT, probe);
    pass.chooseClasses(logits);
    JniUtils.backward((PtNDArray) logits, (PtNDArray) pass.classSeed(logits), false, false);
    JniUtils.setGradMode(false);

    int l = pass.batch().length();
    NDArray r = pass.manager().eye(l).toType(pass.model().dataType(), false)
        .expandDims(0).repeat(0, pass.batch().size());
    for (int i = 0; i < probabilities.size(); i++) {
      NDArray weighted = probes.get(i).getGradient().mul(probabilities.get(i)).maximum(0).mean(new int[] {1});
      r = r.add(weighted.matMul(r));
    }
    return BatchPass.toDoubles(r.get(new NDIndex(":, 0, :")));
  }
}
