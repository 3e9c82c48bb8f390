package org.lrpaudit.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.model.TextClassifier;
import org.lrpaudit.model.TokenizedText;
import org.lrpaudit.rules.PropagationRules;

/**
 * Each rule changes the explanation only through its own point: where that point is linear by construction, switching the
 * rule on changes nothing; where it is not, it does (so the first check is not vacuous).
 */
class RuleLocalityTest {
  private static final PropagationRules AH_ONLY = new PropagationRules(true, false, false);
  private static final PropagationRules IDENTITY_ONLY = new PropagationRules(false, false, true);

  @Test
  void attentionRuleChangesNothingWhenThereIsOneKey() {
    try (TextClassifier model = TestModels.load(TestModels.spec("bert", 3, 32, 4, false, 31), DataType.FLOAT64)) {
      Explainer explainer = new Explainer(model);
      // A single token: softmax over one key is the constant 1, so detaching P cannot change the gradient.
      TokenizedText one = new TokenizedText(new long[] {2}, new long[] {0}, new String[] {"[CLS]"}, new int[1],
          new int[1], new int[] {-1}, new boolean[] {true}, false);
      assertClose(explain(explainer, "", one, PropagationRules.GRADIENT), explain(explainer, "", one, AH_ONLY), 1e-10);

      String words = TestModels.words(6, 2);
      TokenizedText many = model.tokenizer().encode(words);
      double diff = maxDiff(explain(explainer, words, many, PropagationRules.GRADIENT),
          explain(explainer, words, many, AH_ONLY));
      assertTrue(diff > 1e-3, "the AH rule should matter with several keys, max difference " + diff);
    }
  }

  @Test
  void identityRuleChangesNothingForRelu() {
    // DistilBERT with ReLU in the FFN: every element-wise activation is ReLU (its head uses ReLU too), for which
    // x * (relu(x)/x) has exactly relu's gradient.
    RandomCheckpoint.Spec relu = new RandomCheckpoint.Spec("distilbert", 2, 32, 4, 64, 128, 2, "relu", false, 32,
        RandomCheckpoint.DEMO_WORDS);
    RandomCheckpoint.Spec gelu = new RandomCheckpoint.Spec("distilbert", 2, 32, 4, 64, 128, 2, "gelu", false, 32,
        RandomCheckpoint.DEMO_WORDS);
    String words = TestModels.words(8, 4);
    TokenizedText text;
    try (TextClassifier model = TestModels.load(relu, DataType.FLOAT64)) {
      Explainer explainer = new Explainer(model);
      text = model.tokenizer().encode(words);
      assertClose(explain(explainer, words, text, PropagationRules.GRADIENT),
          explain(explainer, words, text, IDENTITY_ONLY), 1e-10);
    }
    try (TextClassifier model = TestModels.load(gelu, DataType.FLOAT64)) {
      Explainer explainer = new Explainer(model);
      double diff = maxDiff(explain(explainer, words, text, PropagationRules.GRADIENT),
          explain(explainer, words, text, IDENTITY_ONLY));
      assertTrue(diff > 1e-3, "the identity rule should matter for GELU, max difference " + diff);
    }
  }

  private static Explanation explain(Explainer explainer, String text, TokenizedText t, PropagationRules rules) {
    return explainer.explainTokenized(List.of(TextInput.of(text)), List.of(t), rules, "test", Target.PREDICTED).get(0);
  }

  private static double maxDiff(Explanation a, Explanation b) {
    double d = 0;
    for (int i = 0; i < a.tokens().size(); i++) {
      d = Math.max(d, Math.abs(a.tokens().get(i).relevance() - b.tokens().get(i).relevance()));
    }
    return d;
  }

  private static void assertClose(Explanation a, Explanation b, double tol) {
    assertTrue(a.tokens().stream().anyMatch(t -> Math.abs(t.relevance()) > 1e-3), "relevance ~0: vacuous comparison");
    for (int i = 0; i < a.tokens().size(); i++) {
      assertEquals(a.tokens().get(i).relevance(), b.tokens().get(i).relevance(), tol, "token " + i);
    }
  }
}
