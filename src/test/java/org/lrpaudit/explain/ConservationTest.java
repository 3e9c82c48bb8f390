package org.lrpaudit.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.model.TextClassifier;

/**
 * The paper's conservation identities on bias-free models (every bias and LayerNorm beta 0), checked against the model's
 * own logit, which the forward pass computes without any rule: lrp-ah-ln sums to f_c; lrp-ah sums to 0 (scale invariance
 * of the first LayerNorm once P is constant); gi and lrp-ln do not sum to f_c.
 */
class ConservationTest {
  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of("bert", 1, 16, 1),
        Arguments.of("bert", 2, 32, 4),
        Arguments.of("bert", 4, 96, 8),
        Arguments.of("distilbert", 1, 24, 2),
        Arguments.of("distilbert", 3, 48, 8),
        Arguments.of("distilbert", 4, 64, 4));
  }

  /** 0 to 58 words: 2 to 60 model tokens. */
  static List<TextInput> texts() {
    List<TextInput> out = new ArrayList<>();
    int[] sizes = {0, 1, 2, 5, 13, 30, 58};
    for (int i = 0; i < sizes.length; i++) {
      out.add(TextInput.of(TestModels.words(sizes[i], i)));
    }
    return out;
  }

  @ParameterizedTest(name = "{0} layers={1} hidden={2} heads={3}")
  @MethodSource("models")
  void lrpAhLnIsConservativeAndTheOthersAreNot(String type, int layers, int hidden, int heads) {
    RandomCheckpoint.Spec spec = TestModels.spec(type, layers, hidden, heads, true, 11 * layers + hidden);
    try (TextClassifier model = TestModels.load(spec, DataType.FLOAT32)) {
      Explainer explainer = new Explainer(model);
      List<TextInput> texts = texts();
      List<Double> giMisses = new ArrayList<>();
      List<Double> lnMisses = new ArrayList<>();
      for (int c = 0; c < model.config().numLabels(); c++) {
        Target target = new Target.ClassIndex(c);
        List<Explanation> full = explainer.explain(texts, Method.LRP_AH_LN, target);
        List<Explanation> ah = explainer.explain(texts, Method.LRP_AH, target);
        List<Explanation> gi = explainer.explain(texts, Method.GI, target);
        List<Explanation> ln = explainer.explain(texts, Method.LRP_LN, target);
        for (int i = 0; i < texts.size(); i++) {
          Explanation e = full.get(i);
          String where = "class " + c + ", text " + i;
          double f = e.explainedLogit();
          assertEquals(texts.get(i).text().isEmpty() ? 2 : texts.get(i).text().split(" ").length + 2, e.tokens().size());
          // Relative to f_c; a logit that happens to be ~0 gets float32's absolute floor instead.
          double tolerance = Math.max(1e-4 * Math.abs(f), 1e-6);
          assertEquals(f, e.relevanceSum(), tolerance, "lrp-ah-ln must sum to the logit, " + where);

          double ahScale = absSum(ah.get(i));
          assertTrue(ahScale > 1e-3, "lrp-ah relevance is all zero, which would make the next check vacuous");
          assertEquals(0, ah.get(i).relevanceSum(), 1e-4 * ahScale, "lrp-ah must sum to 0, " + where);

          if (Math.abs(f) > 1e-2) {
            // Each text misses by more than the tolerance lrp-ah-ln meets; on average by more than 1%.
            double giMiss = Math.abs(gi.get(i).relevanceSum() - f) / Math.abs(f);
            double lnMiss = Math.abs(ln.get(i).relevanceSum() - f) / Math.abs(f);
            assertTrue(giMiss > 1e-4, "gi should miss the logit, " + where + ": " + giMiss);
            assertTrue(lnMiss > 1e-4, "lrp-ln should miss the logit, " + where + ": " + lnMiss);
            giMisses.add(giMiss);
            lnMisses.add(lnMiss);
          }
          // The forward pass is the same function whatever the rules: all four report the same logit.
          assertEquals(f, gi.get(i).explainedLogit(), 1e-5 * Math.max(1, Math.abs(f)));
        }
      }
      assertTrue(mean(giMisses) > 1e-2, "gi's mean relative miss " + mean(giMisses));
      assertTrue(mean(lnMisses) > 1e-2, "lrp-ln's mean relative miss " + mean(lnMisses));
    }
  }

  private static double mean(List<Double> v) {
    assertTrue(v.size() >= 7, "too few texts with a usable logit: " + v.size());
    return v.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  private static double absSum(Explanation e) {
    return e.tokens().stream().mapToDouble(t -> Math.abs(t.relevance())).sum();
  }
}
