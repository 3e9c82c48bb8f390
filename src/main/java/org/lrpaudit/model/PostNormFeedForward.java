package org.lrpaudit.model;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;
import org.lrpaudit.rules.PropagationRules;

/**
 * What a post-LayerNorm block does after attention (HF's BertSelfOutput, BertIntermediate and BertOutput; DeBERTa-v2
 * has the same): h1 = LN(x + out(ctx)), h2 = LN(h1 + ffnOut(act(ffnIn(h1)))). Its rule points are marked where they are
 * called.
 */
public record PostNormFeedForward(
    Weights.Linear attentionOut,
    Weights.LayerNormParams attentionNorm,
    Weights.Linear ffnIn,
    Weights.Linear ffnOut,
    Weights.LayerNormParams outputNorm,
    UnaryOperator<NDArray> activation) {

  /** @param x the block's input [B, L, D]; @param ctx the attention's context [B, L, D], heads merged */
  public NDArray forward(NDArray x, NDArray ctx, PropagationRules rules) {
    NDArray h1 = rules.layerNorm(x.add(attentionOut.apply(ctx)), // rule point: LN
        attentionNorm.gamma(), attentionNorm.beta(), attentionNorm.eps());
    NDArray inner = rules.activation(ffnIn.apply(h1), activation); // rule point: identity for activations
    return rules.layerNorm(h1.add(ffnOut.apply(inner)), // rule point: LN
        outputNorm.gamma(), outputNorm.beta(), outputNorm.eps());
  }
}
