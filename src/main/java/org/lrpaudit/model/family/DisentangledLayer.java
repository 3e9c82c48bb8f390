package org.lrpaudit.model.family;

import ai.djl.ndarray.NDArray;
import org.lrpaudit.model.Attention;
import org.lrpaudit.model.AttentionHook;
import org.lrpaudit.model.PostNormFeedForward;
import org.lrpaudit.model.Weights;
import org.lrpaudit.rules.PropagationRules;
import org.lrpaudit.tensor.Constants;

/**
 * One DeBERTa-v2 block (DebertaV2Layer): disentangled self-attention, then BERT's post-LN output and FFN
 * ({@link PostNormFeedForward}). The attention scores are (q k^T + c2p + p2c) / sqrt(head size * (1 + number of
 * relative terms)), with c2p[i][j] = q_i . posKey[row(i - j)] and p2c[i][j] = k_j . posQuery[row of -(j - i)]: the
 * position projections of the (normalised) rel_embeddings, made once at load because they do not depend on the input.
 *
 * @param posKeyT [H, dh, 2 span] (key_proj or pos_key_proj of rel_embeddings), null without c2p
 * @param posQueryT [H, dh, 2 span] (query_proj or pos_query_proj of rel_embeddings), null without p2c
 * @param scale sqrt(dh * scale_factor), rounded to float32 as HF computes it
 */
record DisentangledLayer(
    Weights.Linear query,
    Weights.Linear key,
    Weights.Linear value,
    NDArray posKeyT,
    NDArray posQueryT,
    PostNormFeedForward output,
    int numHeads,
    double scale) {

  /**
   * @param c2pIndex gather indices [B, H, L, L] (RelativePositions.contentToPosition), null without c2p
   * @param p2cIndex gather indices [B, H, L, L] (RelativePositions.positionToContent), null without p2c
   */
  NDArray forward(NDArray x, NDArray maskBias, NDArray c2pIndex, NDArray p2cIndex, PropagationRules rules,
      AttentionHook hook, int layer) {
    NDArray q = Attention.split(query.apply(x), numHeads);
    NDArray k = Attention.split(key.apply(x), numHeads);
    NDArray v = Attention.split(value.apply(x), numHeads);
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
    if (posKeyT != null) {
      // Called on q, so the result lands in the batch's manager; gather's backward scatters into the query gradient.
      scores.addi(q.matMul(posKeyT).gather(c2pIndex, 3));
    }
    if (posQueryT != null) {
      scores.addi(k.matMul(posQueryT).gather(p2cIndex, 3).transpose(0, 1, 3, 2));
    }
    scores.divi(Constants.of(q, scale));
    NDArray ctx = Attention.context(scores, maskBias, v, rules, hook, layer); // rule point: AH (inside, full softmax)
    return output.forward(x, ctx, rules); // rule points: LN, identity, LN (inside)
  }
}
