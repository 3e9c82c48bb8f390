package org.lrpaudit.model;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;
import org.lrpaudit.rules.PropagationRules;

/**
 * One pre-LayerNorm Transformer block as ViT has it (ViTLayer: layernorm_before, attention, residual, layernorm_after,
 * FFN, residual): h1 = x + out(MHA(LN1(x))), h2 = h1 + ffnOut(act(ffnIn(LN2(h1)))). The residual stream never passes a
 * LayerNorm, so unlike the post-LN {@link EncoderLayer} the block is not scale-invariant in x.
 */
public record PreNormLayer(
    Weights.LayerNormParams attentionNorm,
    Weights.Linear query,
    Weights.Linear key,
    Weights.Linear value,
    Weights.Linear attentionOut,
    Weights.LayerNormParams ffnNorm,
    Weights.Linear ffnIn,
    Weights.Linear ffnOut,
    int numHeads,
    UnaryOperator<NDArray> activation) {

  /** As {@link EncoderLayer#forward}: x [B, L, D], maskBias [B, 1, 1, L], hook nullable. */
  public NDArray forward(NDArray x, NDArray maskBias, PropagationRules rules, AttentionHook hook, int layer) {
    NDArray a = rules.layerNorm(x, attentionNorm.gamma(), attentionNorm.beta(), attentionNorm.eps()); // rule point: LN
    NDArray ctx = Attention.selfAttention(a, query, key, value, numHeads, maskBias, rules, hook, // rule point: AH (inside)
        layer);
    NDArray h1 = x.add(attentionOut.apply(ctx));
    NDArray f = rules.layerNorm(h1, ffnNorm.gamma(), ffnNorm.beta(), ffnNorm.eps()); // rule point: LN
    NDArray inner = rules.activation(ffnIn.apply(f), activation); // rule point: identity for activations
    return h1.add(ffnOut.apply(inner));
  }
}
