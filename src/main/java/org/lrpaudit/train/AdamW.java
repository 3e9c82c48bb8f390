package org.lrpaudit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.lrpaudit.model.Weights;

/**
 * AdamW (Loshchilov & Hutter) with decoupled weight decay, applied in place to a model's parameters after a backward pass.
 * Biases, LayerNorm parameters and embeddings (a ViT's patch projection, [CLS] and positions included) get no weight
 * decay, as in the usual BERT fine-tuning recipe.
 */
final class AdamW {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;

  private final List<Weights.Parameter> params;
  private final List<NDArray> first = new ArrayList<>();
  private final List<NDArray> second = new ArrayList<>();
  private final double weightDecay;
  private int step;

  AdamW(List<Weights.Parameter> params, double weightDecay) {
    this.params = params;
    this.weightDecay = weightDecay;
    for (Weights.Parameter p : params) {
      first.add(p.array().zerosLike());
      second.add(p.array().zerosLike());
    }
  }

  /** True when every accumulated gradient is finite (call with grad mode off). */
  boolean gradientsFinite() {
    for (Weights.Parameter p : params) {
      try (NDManager scratch = NDManager.newBaseManager(p.array().getDevice())) {
        NDArray g = keep(scratch, p.array().getGradient());
        // One reduction, no copy: any NaN or infinity makes the sum non-finite (per step, over every weight).
        if (!Float.isFinite(keep(scratch, g.sum()).getFloat())) {
          return false;
        }
      }
    }
    return true;
  }

  /** Drops the accumulated gradients without updating. */
  void discardGradients() {
    for (Weights.Parameter p : params) {
      ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) p.array());
    }
  }

  /** One update with learning rate lr; call with grad mode off. Gradients are reset to zero afterwards. */
  void step(double lr) {
    step++;
    double c1 = 1 - Math.pow(BETA1, step);
    double c2 = 1 - Math.pow(BETA2, step);
    for (int i = 0; i < params.size(); i++) {
      Weights.Parameter p = params.get(i);
      NDArray w = p.array();
      // Temporaries of ops on long-lived arrays land in the model's manager: collect them and close them here.
      try (NDManager scratch = NDManager.newBaseManager(w.getDevice())) {
        NDArray g = keep(scratch, w.getGradient());
        first.get(i).muli(BETA1).addi(keep(scratch, g.mul(1 - BETA1)));
        second.get(i).muli(BETA2).addi(keep(scratch, keep(scratch, g.square()).muli(1 - BETA2)));
        NDArray denom = keep(scratch, keep(scratch, second.get(i).div(c2)).sqrt()).addi(EPS);
        NDArray update = keep(scratch, keep(scratch, first.get(i).div(c1)).divi(denom));
        if (decays(p.name())) {
          update.addi(keep(scratch, w.mul(weightDecay)));
        }
        w.subi(update.muli(lr));
        ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) w);
      }
    }
  }

  /** Linear weights decay; LayerNorm gammas (BERT's LayerNorm, DistilBERT's layer_norm, ViT's layernorm_*) do not. */
  static boolean decays(String name) {
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    return name.endsWith(".weight") && !lower.contains("layernorm") && !lower.contains("layer_norm")
        && !name.contains("embeddings");
  }

  private static NDArray keep(NDManager scratch, NDArray a) {
    a.attach(scratch);
    return a;
  }
}
