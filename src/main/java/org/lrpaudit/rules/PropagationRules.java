package org.lrpaudit.rules;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;
import org.lrpaudit.tensor.Constants;

/**
 * The places where conservative LRP (Ali et al., ICML 2022) differs from Gradient x Input. The encoders call these at
 * exactly those places and nowhere else, so "where does the AH rule apply?" has one answer: {@link #attentionProbabilities}.
 *
 * <p>Each rule keeps the forward value and changes only which factors the gradient flows through; running Gradient x Input
 * through the changed graph then gives LRP relevance. docs/method.md states the rules, the
 * methods built from them and what is measured.
 */
public record PropagationRules(boolean detachAttention, boolean detachLayerNormStd, boolean identityActivations) {

  /** Plain Gradient x Input: every factor differentiable. */
  public static final PropagationRules GRADIENT = new PropagationRules(false, false, false);

  /**
   * AH rule: ctx = P.detach() @ V. The softmax is a gating of the values, not a signal to propagate; with P constant the
   * attention head is linear in V, so relevance flows only through the values and Q, K get no gradient.
   */
  public NDArray attentionProbabilities(NDArray p) {
    return detachAttention ? p.stopGradient() : p;
  }

  /**
   * LN rule: y = (x - mean(x)) / sqrt(var(x) + eps).detach() * gamma + beta, biased variance over the last axis. The mean
   * stays differentiable (centering is linear); detaching the normaliser makes the map linear in x, hence conservative.
   * beta may be null (LayerNorms without bias, as in ModernBERT).
   */
  public NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, double eps) {
    NDArray centered = x.sub(x.mean(new int[] {-1}, true));
    NDArray std = centered.square().mean(new int[] {-1}, true).addi(Constants.of(x, eps)).sqrt();
    if (detachLayerNormStd) {
      std = std.stopGradient();
    }
    NDArray y = centered.div(std).muli(gamma);
    return beta == null ? y : y.addi(beta);
  }

  /**
   * Identity rule for element-wise activations (GELU, tanh, ReLU): a(x) = x * (a(x) / x).detach(), 0 where x == 0. LRP passes
   * relevance through such functions unchanged; written this way, the gradient times x reproduces that.
   */
  public NDArray activation(NDArray x, UnaryOperator<NDArray> a) {
    if (!identityActivations) {
      return a.apply(x);
    }
    NDArray xc = x.stopGradient();
    // x == 0 gives a(0)/1 = 0 for every supported activation (a(0) == 0), the rule's stated value there.
    NDArray safe = xc.add(xc.eq(0).toType(xc.getDataType(), false));
    NDArray ratio = a.apply(xc).divi(safe);
    return x.mul(ratio);
  }

  /**
   * Uniform rule for a multiplicative gate g * u (GeGLU: act(a) * b; AttnLRP, Achtibat et al. 2024, eq. for element-wise
   * multiplication): relevance is split equally between the two factors, y = 0.5 (g.detach() * u + g * u.detach()). Same
   * forward value; the gradient times the inputs then counts the product once, not twice (with the identity rule on act,
   * g * u is bilinear in the layer's input). Part of the identity-rule set: gi keeps the plain product.
   */
  public NDArray gate(NDArray g, NDArray u) {
    if (!identityActivations) {
      return g.mul(u);
    }
    NDArray half = Constants.of(g, 0.5);
    return g.stopGradient().mul(u).addi(g.mul(u.stopGradient())).muli(half);
  }
}
