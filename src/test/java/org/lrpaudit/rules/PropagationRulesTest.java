package org.lrpaudit.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lrpaudit.model.Activations;

/**
 * Each rule's gradient against its closed form (LN and identity rules) or against finite differences (the unmodified
 * functions), in float64 on plain Java arrays: no part of the expected value comes from the code under test.
 */
class PropagationRulesTest {
  private static final PropagationRules LN_RULE = new PropagationRules(false, true, false);
  private static final PropagationRules IDENTITY_RULE = new PropagationRules(false, false, true);
  private NDManager m;
  private boolean grad;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
    grad = JniUtils.isGradMode();
    JniUtils.setGradMode(true);
  }

  @AfterEach
  void close() {
    JniUtils.setGradMode(grad);
    m.close();
  }

  @Test
  void layerNormRuleDetachesTheStdOnly() {
    Random r = new Random(1);
    int n = 7;
    double[] x = gaussian(r, n, 2);
    double[] gamma = gaussian(r, n, 1);
    double[] beta = gaussian(r, n, 1);
    double[] w = gaussian(r, n, 1);
    double eps = 1e-5;
    double mean = 0;
    for (double v : x) {
      mean += v / n;
    }
    double var = 0;
    for (double v : x) {
      var += (v - mean) * (v - mean) / n;
    }
    double std = Math.sqrt(var + eps);
    // Forward value: the LayerNorm itself, whatever the rule.
    double[] y = values(x, a -> LN_RULE.layerNorm(a, vec(gamma), vec(beta), eps));
    for (int i = 0; i < n; i++) {
      assertEquals((x[i] - mean) / std * gamma[i] + beta[i], y[i], 1e-12);
    }
    // d/dx sum(w * y) with std constant: centred (gamma * w) / std.
    double[] g = gradient(x, w, a -> LN_RULE.layerNorm(a, vec(gamma), vec(beta), eps));
    double gw = 0;
    for (int i = 0; i < n; i++) {
      gw += gamma[i] * w[i] / n;
    }
    for (int i = 0; i < n; i++) {
      assertEquals((gamma[i] * w[i] - gw) / std, g[i], 1e-12);
    }
    // Without the rule: the full LayerNorm gradient, against finite differences of the closed-form LayerNorm.
    double[] full = gradient(x, w, a -> PropagationRules.GRADIENT.layerNorm(a, vec(gamma), vec(beta), eps));
    for (int i = 0; i < n; i++) {
      double h = 1e-6;
      double[] up = x.clone();
      double[] down = x.clone();
      up[i] += h;
      down[i] -= h;
      double fd = (dot(w, layerNorm(up, gamma, beta, eps)) - dot(w, layerNorm(down, gamma, beta, eps))) / (2 * h);
      assertEquals(fd, full[i], 1e-7);
    }
  }

  @Test
  void identityRulePassesTheActivationRatio() {
    double[] x = {-2.5, -1, -0.3, 0, 0.2, 1, 3};
    double[] w = {0.3, -1.2, 0.7, 2.0, -0.4, 1.1, 0.9};
    double[] gelu = values(x, Activations::geluErf);
    double[] g = gradient(x, w, a -> IDENTITY_RULE.activation(a, Activations::geluErf));
    double[] ruled = values(x, a -> IDENTITY_RULE.activation(a, Activations::geluErf));
    for (int i = 0; i < x.length; i++) {
      assertEquals(gelu[i], ruled[i], 1e-12, "the rule must keep the forward value");
      assertEquals(x[i] == 0 ? 0 : w[i] * gelu[i] / x[i], g[i], 1e-12);
    }
  }

  @Test
  void activationsMatchTheirFormulas() {
    // x * Phi(x) (standard normal CDF), computed with Python's math.erf; the tanh form written out here.
    double[] x = {-3, -1, 0, 0.5, 1, 2};
    double[] erf = {-0.00404969409489031, -0.15865525393145707, 0, 0.34573123063700656, 0.8413447460685429,
        1.9544997361036416};
    double[] tanhForm = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double v = x[i];
      tanhForm[i] = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
    }
    double[] gotErf = values(x, Activations::geluErf);
    double[] gotTanh = values(x, Activations::geluTanh);
    for (int i = 0; i < x.length; i++) {
      assertEquals(erf[i], gotErf[i], 1e-12);
      assertEquals(tanhForm[i], gotTanh[i], 1e-12);
    }
  }

  @Test
  void attentionRuleStopsTheGradientIntoP() {
    double[] p = {0.2, 0.5, 0.3};
    double[] w = {1, 2, 3};
    // With the rule, sum(w * P) contributes no gradient to P; without, it is w.
    double[] without = gradient(p, w, PropagationRules.GRADIENT::attentionProbabilities);
    double[] with = gradient(p, w, a -> new PropagationRules(true, false, false).attentionProbabilities(a).add(a.mul(0)));
    for (int i = 0; i < p.length; i++) {
      assertEquals(w[i], without[i], 0);
      assertEquals(0, with[i], 0);
    }
  }

  private NDArray vec(double[] v) {
    return m.create(v, new Shape(v.length));
  }

  private double[] values(double[] x, Function<NDArray, NDArray> f) {
    return f.apply(vec(x)).toDoubleArray();
  }

  /** Gradient of sum(w * f(x)) with respect to x, by torch autograd in this thread's grad mode. */
  private double[] gradient(double[] x, double[] w, Function<NDArray, NDArray> f) {
    NDArray in = vec(x);
    in.setRequiresGradient(true);
    NDArray out = f.apply(in);
    JniUtils.backward((PtNDArray) out, (PtNDArray) vec(w), false, false);
    NDArray g = in.getGradient();
    return g.toType(DataType.FLOAT64, false).toDoubleArray();
  }

  private static double[] layerNorm(double[] x, double[] gamma, double[] beta, double eps) {
    int n = x.length;
    double mean = 0;
    for (double v : x) {
      mean += v / n;
    }
    double var = 0;
    for (double v : x) {
      var += (v - mean) * (v - mean) / n;
    }
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = (x[i] - mean) / Math.sqrt(var + eps) * gamma[i] + beta[i];
    }
    return y;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double[] gaussian(Random r, int n, double scale) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextGaussian() * scale;
    }
    return v;
  }
}
