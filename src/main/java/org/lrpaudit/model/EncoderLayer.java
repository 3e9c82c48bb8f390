package org.lrpaudit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;
import org.lrpaudit.tensor.Constants;
import org.lrpaudit.rules.PropagationRules;

/**
 * One post-LayerNorm Transformer block, as BERT and DistilBERT both have it:
 * h1 = LN(x + out(MHA(x))), h2 = LN(h1 + ffnOut(act(ffnIn(h1)))). The rule points are marked where they are called.
 */
public record EncoderLayer(
    Weights.Linear query,
    Weights.Linear key,
    Weights.Linear value,
    Weights.Linear attentionOut,
    Weights.LayerNormParams attentionNorm,
    Weights.Linear ffnIn,
    Weights.Linear ffnOut,
    Weights.LayerNormParams outputNorm,
    int numHeads,
    UnaryOperator<NDArray> activation) {

  /**
   * @param x [B, L, D]
   * @param maskBias [B, 1, 1, L]: 0 for real keys, the most negative finite value for padding
   * @param hook sees the attention probabilities (before any rule) and returns the P to go on with; may be null
   */
  public NDArray forward(NDArray x, NDArray maskBias, PropagationRules rules, AttentionHook hook, int layer) {
    long b = x.getShape().get(0);
    long l = x.getShape().get(1);
    long d = x.getShape().get(2);
    long dh = d / numHeads;
    NDArray q = heads(query.apply(x), b, l, dh);
    NDArray k = heads(key.apply(x), b, l, dh);
    NDArray v = heads(value.apply(x), b, l, dh);
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).divi(Constants.of(q, Math.sqrt(dh))).addi(maskBias);
    NDArray p = scores.softmax(-1);
    if (hook != null) {
      p = hook.apply(layer, p);
    }
    NDArray ctx = rules.attentionProbabilities(p).matMul(v) // rule point: AH
        .transpose(0, 2, 1, 3).reshape(new Shape(b, l, d));
    NDArray h1 = rules.layerNorm(x.add(attentionOut.apply(ctx)), // rule point: LN
        attentionNorm.gamma(), attentionNorm.beta(), attentionNorm.eps());
    NDArray inner = rules.activation(ffnIn.apply(h1), activation); // rule point: identity for activations
    return rules.layerNorm(h1.add(ffnOut.apply(inner)), // rule point: LN
        outputNorm.gamma(), outputNorm.beta(), outputNorm.eps());
  }

  private NDArray heads(NDArray t, long b, long l, long dh) {
    return t.reshape(new Shape(b, l, numHeads, dh)).transpose(0, 2, 1, 3);
  }
}
