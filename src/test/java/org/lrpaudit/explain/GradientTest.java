package org.lrpaudit.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lrpaudit.model.EncodedBatch;
import org.lrpaudit.model.SequenceClassifier;
import org.lrpaudit.model.TextClassifier;
import org.lrpaudit.model.TokenizedText;

/**
 * gi against finite differences, no autograd involved: R_t = h0_t . df/dh0_t is the derivative of f along the direction
 * that scales token t's embedding, so (f(h0 + eps h0_t) - f(h0 - eps h0_t)) / 2 eps must equal R_t. In float64, central
 * differences with eps = 1e-5 are accurate to ~1e-9 here; the tolerance 1e-6 relative leaves room for that and nothing else.
 */
class GradientTest {
  @ParameterizedTest
  @ValueSource(strings = {"bert", "distilbert"})
  void giEqualsFiniteDifferencesOfTheLogit(String type) {
    try (TextClassifier model = TestModels.load(TestModels.spec(type, 2, 32, 4, false, 5), DataType.FLOAT64)) {
      String text = TestModels.words(9, 3);
      TokenizedText tokens = model.tokenizer().encode(text);
      Explanation e = new Explainer(model).explain(List.of(TextInput.of(text)), Method.GI, Target.PREDICTED).get(0);
      int c = e.explainedClass();
      for (int t = 0; t < tokens.length(); t++) {
        double eps = 1e-5;
        double fd = (logitWithTokenScaled(model.model(), tokens, t, eps, c)
            - logitWithTokenScaled(model.model(), tokens, t, -eps, c)) / (2 * eps);
        double r = e.tokens().get(t).relevance();
        assertEquals(fd, r, 1e-6 * Math.max(1, Math.abs(fd)), "token " + t);
      }
      assertTrue(e.tokens().stream().anyMatch(t -> Math.abs(t.relevance()) > 1e-3), "relevance all ~0: vacuous test");
    }
  }

  /**
   * The full gradient, by autograd on the rule-free graph, against finite differences along random directions of all of
   * h0 (every token and dimension at once).
   */
  @ParameterizedTest
  @ValueSource(strings = {"bert", "distilbert"})
  void gradientMatchesFiniteDifferencesAlongRandomDirections(String type) {
    try (TextClassifier model = TestModels.load(TestModels.spec(type, 2, 32, 4, false, 6), DataType.FLOAT64);
        NDManager m = NDManager.newBaseManager()) {
      SequenceClassifier net = model.model();
      TokenizedText tokens = model.tokenizer().encode(TestModels.words(7, 9));
      EncodedBatch enc = EncodedBatch.of(List.of(tokens.ids()), List.of(tokens.typeIds()), 0);
      boolean grad = JniUtils.isGradMode();
      try {
        JniUtils.setGradMode(false);
        NDArray h0 = net.embed(m, enc);
        NDArray mask = net.maskBias(m, enc);
        JniUtils.setGradMode(true);
        h0.setRequiresGradient(true);
        NDArray logits = net.logits(h0, mask, org.lrpaudit.rules.PropagationRules.GRADIENT, null);
        NDArray seed = m.create(new double[] {0, 1}, new ai.djl.ndarray.types.Shape(1, 2));
        JniUtils.backward((ai.djl.pytorch.engine.PtNDArray) logits, (ai.djl.pytorch.engine.PtNDArray) seed, false, false);
        JniUtils.setGradMode(false);
        NDArray g = h0.getGradient().duplicate();
        NDArray x = h0.stopGradient().duplicate();
        java.util.Random rnd = new java.util.Random(4);
        for (int trial = 0; trial < 5; trial++) {
          double[] dir = new double[(int) x.size()];
          for (int i = 0; i < dir.length; i++) {
            dir[i] = rnd.nextGaussian();
          }
          NDArray v = m.create(dir, x.getShape());
          double analytic = g.mul(v).sum().getDouble();
          double eps = 1e-5;
          double up = net.logits(x.add(v.mul(eps)), mask, org.lrpaudit.rules.PropagationRules.GRADIENT, null)
              .getDouble(0, 1);
          double down = net.logits(x.sub(v.mul(eps)), mask, org.lrpaudit.rules.PropagationRules.GRADIENT, null)
              .getDouble(0, 1);
          double fd = (up - down) / (2 * eps);
          assertEquals(fd, analytic, 1e-6 * Math.max(1, Math.abs(fd)), "direction " + trial);
          assertTrue(Math.abs(fd) > 1e-3, "directional derivative ~0: vacuous");
        }
      } finally {
        JniUtils.setGradMode(grad);
      }
    }
  }

  /** f_c with h0[t] replaced by (1 + eps) h0[t], grad mode off, the plain (rule-free) forward. */
  static double logitWithTokenScaled(SequenceClassifier model, TokenizedText tokens, int t, double eps, int c) {
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager m = NDManager.newBaseManager()) {
      EncodedBatch enc = EncodedBatch.of(List.of(tokens.ids()), List.of(tokens.typeIds()), 0);
      NDArray h0 = model.embed(m, enc);
      NDArray row = h0.get(new NDIndex(":, {}, :", t));
      h0.set(new NDIndex(":, {}, :", t), row.mul(1 + eps));
      return model.logits(h0, model.maskBias(m, enc), org.lrpaudit.rules.PropagationRules.GRADIENT, null)
          .getDouble(0, c);
    } finally {
      JniUtils.setGradMode(grad);
    }
  }
}
