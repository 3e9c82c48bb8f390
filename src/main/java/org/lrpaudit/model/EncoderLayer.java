package org.lrpaudit.model;

import ai.djl.ndarray.NDArray;
import org.lrpaudit.rules.PropagationRules;

/**
 * One post-LayerNorm Transformer block, as BERT, DistilBERT, RoBERTa, ELECTRA and ALBERT all have it (under different
 * tensor names): h1 = LN(x + out(MHA(x))), h2 = LN(h1 + ffnOut(act(ffnIn(h1)))); everything after MHA is
 * {@link PostNormFeedForward}. The rule points are marked where they are called.
 */
public record EncoderLayer(
    Weights.Linear query,
    Weights.Linear key,
    Weights.Linear value,
    PostNormFeedForward output,
    int numHeads) {

  /**
   * @param x [B, L, D]
   * @param maskBias [B, 1, 1, L]: 0 for real keys, the most negative finite value for padding
   * @param hook sees the attention probabilities (before any rule) and returns the P to go on with; may be null
   */
  public NDArray forward(NDArray x, NDArray maskBias, PropagationRules rules, AttentionHook hook, int layer) {
    NDArray ctx = Attention.selfAttention(x, query, key, value, numHeads, maskBias, rules, hook, // rule point: AH (inside)
        layer);
    return output.forward(x, ctx, rules); // rule points: LN, identity, LN (inside)
  }
}
