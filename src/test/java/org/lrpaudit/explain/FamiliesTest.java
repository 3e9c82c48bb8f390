package org.lrpaudit.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lrpaudit.model.EncodedBatch;
import org.lrpaudit.model.ModelFamilies;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.model.SequenceClassifier;
import org.lrpaudit.model.TextClassifier;
import org.lrpaudit.model.TokenizedText;

/**
 * The method's checks on every supported family, each on seeded random checkpoints written in the family's HuggingFace
 * layout (its tensor names, config.json and kind of tokenizer.json): conservation of lrp-ah-ln on bias-free models, lrp-ah
 * summing to 0 where every path from h0 passes a LayerNorm, gi equal to finite differences of the logit in float64, batch
 * invariance, padding relevance exactly 0, and every method running on every family.
 */
class FamiliesTest {
  /** Families whose every path from h0 to the logit passes a LayerNorm (post-LN blocks): there lrp-ah sums to 0. */
  private static final List<String> POST_NORM = List.of("bert", "distilbert", "roberta", "xlm-roberta", "electra",
      "albert", "deberta-v2");

  static Stream<String> families() {
    return ModelFamilies.textModelTypes().stream();
  }

  static Stream<Arguments> familiesAndMethods() {
    List<Arguments> out = new ArrayList<>();
    for (String type : ModelFamilies.textModelTypes()) {
      for (Method m : Method.values()) {
        out.add(Arguments.of(type, m));
      }
    }
    return out.stream();
  }

  static RandomCheckpoint.Spec spec(String type, boolean zeroBiases, String activation, long seed) {
    return new RandomCheckpoint.Spec(type, 2, 32, 4, 64, 128, 3, activation, zeroBiases, seed,
        RandomCheckpoint.DEMO_WORDS);
  }

  static List<TextInput> texts() {
    List<TextInput> out = new ArrayList<>();
    int[] sizes = {0, 1, 3, 7, 16, 40};
    for (int i = 0; i < sizes.length; i++) {
      out.add(TextInput.of(TestModels.words(sizes[i], 50 + i)));
    }
    out.add(TextInput.of("Émile's café, naïve 😀 — \"Quoted\" text.."));
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void lrpAhLnConservesOnBiasFreeModels(String type) {
    try (TextClassifier model = TestModels.load(spec(type, true, "gelu", 7), DataType.FLOAT32)) {
      Explainer explainer = new Explainer(model);
      List<TextInput> texts = texts();
      double worst = 0;
      for (int c = 0; c < model.config().numLabels(); c++) {
        Target target = new Target.ClassIndex(c);
        List<Explanation> full = explainer.explain(texts, Method.LRP_AH_LN, target);
        List<Explanation> ah = explainer.explain(texts, Method.LRP_AH, target);
        for (int i = 0; i < texts.size(); i++) {
          double f = full.get(i).explainedLogit();
          double tolerance = Math.max(1e-4 * Math.abs(f), 1e-6);
          assertEquals(f, full.get(i).relevanceSum(), tolerance, type + " lrp-ah-ln, class " + c + ", text " + i);
          worst = Math.max(worst, Math.abs(f - full.get(i).relevanceSum()) / Math.max(Math.abs(f), 1e-2));
          if (POST_NORM.contains(type)) {
            double scale = ah.get(i).tokens().stream().mapToDouble(t -> Math.abs(t.relevance())).sum();
            assertTrue(scale > 1e-3, "lrp-ah relevance all ~0: vacuous");
            assertEquals(0, ah.get(i).relevanceSum(), 1e-4 * scale, type + " lrp-ah, class " + c + ", text " + i);
          }
        }
      }
      System.out.printf("FAMILY-FIGURE %s conservation worst relative error %.2e%n", type, worst);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void giEqualsFiniteDifferencesInFloat64(String type) {
    try (TextClassifier model = TestModels.load(spec(type, false, "gelu_new", 5), DataType.FLOAT64)) {
      String text = TestModels.words(8, 3);
      TokenizedText tokens = model.tokenizer().encode(text);
      Explanation e = new Explainer(model).explain(List.of(TextInput.of(text)), Method.GI, Target.PREDICTED).get(0);
      double worst = 0;
      for (int t = 0; t < tokens.length(); t++) {
        double eps = 1e-5;
        double fd = (GradientTest.logitWithTokenScaled(model.model(), tokens, t, eps, e.explainedClass())
            - GradientTest.logitWithTokenScaled(model.model(), tokens, t, -eps, e.explainedClass())) / (2 * eps);
        double r = e.tokens().get(t).relevance();
        assertEquals(fd, r, 1e-6 * Math.max(1, Math.abs(fd)), type + " token " + t);
        worst = Math.max(worst, Math.abs(fd - r) / Math.max(1, Math.abs(fd)));
      }
      assertTrue(e.tokens().stream().anyMatch(t -> Math.abs(t.relevance()) > 1e-3), "relevance all ~0: vacuous test");
      System.out.printf("FAMILY-FIGURE %s gi vs finite differences worst %.2e%n", type, worst);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void batchInvarianceAndZeroPadding(String type) {
    try (TextClassifier model = TestModels.load(spec(type, false, "gelu", 9), DataType.FLOAT32)) {
      String probe = TestModels.words(6, 100);
      Explanation alone = new Explainer(model).explain(List.of(TextInput.of(probe)), Method.LRP_AH_LN, Target.PREDICTED)
          .get(0);
      List<TextInput> batch = new ArrayList<>();
      for (int i = 0; i < 11; i++) {
        batch.add(TextInput.of(TestModels.words(2 + 7 * i % 60, i)));
      }
      batch.add(5, TextInput.of(probe));
      Explanation inBatch = new Explainer(model, new TokenBudget(100_000, 64))
          .explain(batch, Method.LRP_AH_LN, Target.PREDICTED).get(5);
      double worst = 0;
      assertEquals(alone.tokens().size(), inBatch.tokens().size());
      for (int t = 0; t < alone.tokens().size(); t++) {
        assertEquals(alone.tokens().get(t).relevance(), inBatch.tokens().get(t).relevance(), 1e-5, type + " token " + t);
        worst = Math.max(worst, Math.abs(alone.tokens().get(t).relevance() - inBatch.tokens().get(t).relevance()));
      }
      assertEquals(alone.explainedLogit(), inBatch.explainedLogit(), 1e-5);

      // Padding: relevance of every padded position is exactly 0, for every gradient method.
      List<TokenizedText> rows = List.of(model.tokenizer().encode(TestModels.words(12, 1)),
          model.tokenizer().encode(TestModels.words(2, 2)));
      for (Method m : List.of(Method.GI, Method.LRP_AH, Method.LRP_LN, Method.LRP_AH_LN)) {
        double[] r = relevance(model, rows, m);
        int l = r.length / 2;
        for (int i = rows.get(1).length(); i < l; i++) {
          assertEquals(0.0, r[l + i], type + " " + m + " padding position " + i);
        }
        assertTrue(Arrays.stream(r).anyMatch(v -> Math.abs(v) > 1e-4), "relevance all ~0: vacuous");
      }
      System.out.printf("FAMILY-FIGURE %s batch invariance worst absolute difference %.2e%n", type, worst);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("familiesAndMethods")
  void everyMethodRunsOnEveryFamily(String type, Method method) {
    try (TextClassifier model = TestModels.load(spec(type, false, "gelu_new", 13), DataType.FLOAT32)) {
      List<TextInput> texts = List.of(TextInput.of(TestModels.words(9, 4)), TextInput.of(TestModels.words(3, 5)));
      List<Explanation> out = new Explainer(model).explain(texts, method, Target.PREDICTED);
      for (Explanation e : out) {
        assertTrue(e.tokens().stream().allMatch(t -> Double.isFinite(t.relevance())), type + " " + method);
        assertTrue(e.tokens().stream().anyMatch(t -> t.relevance() != 0) || method == Method.ATTN_LAST,
            type + " " + method + ": all zero");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void sentencePairsAreExplainedInBothSegments(String type) {
    try (TextClassifier model = TestModels.load(spec(type, true, "gelu", 17), DataType.FLOAT32)) {
      String a = "the movie was great";
      String b = "she hated the ending";
      List<Explanation> out = new Explainer(model).explain(List.of(TextInput.pair(a, b), TextInput.of(a)),
          Method.LRP_AH_LN, Target.PREDICTED);
      Explanation e = out.get(0);
      assertEquals(b, e.pair());
      assertEquals(e.explainedLogit(), e.relevanceSum(), Math.max(1e-4 * Math.abs(e.explainedLogit()), 1e-6));
      List<String> second = e.words().stream().filter(w -> w.segment() == 1).map(TokenRelevance::token).toList();
      List<String> first = e.words().stream().filter(w -> w.segment() == 0 && w.end() > 0).map(TokenRelevance::token)
          .toList();
      assertEquals(List.of("she", "hated", "the", "ending"), second, type);
      assertEquals(List.of("the", "movie", "was", "great"), first, type);
      assertTrue(e.tokens().stream().filter(t -> t.segment() == 1).anyMatch(t -> t.relevance() != 0));
      // The pair changes the prediction's input: its logits differ from the first text's alone.
      assertTrue(Math.abs(e.explainedLogit() - out.get(1).logits()[e.explainedClass()]) > 1e-6);
    }
  }

  /** h0 . dF/dh0 per position of a padded batch of two texts, as GradientTimesInput computes it. */
  private static double[] relevance(TextClassifier model, List<TokenizedText> texts, Method method) {
    SequenceClassifier net = model.model();
    boolean grad = JniUtils.isGradMode();
    try (NDManager m = NDManager.newBaseManager()) {
      JniUtils.setGradMode(false);
      EncodedBatch enc = EncodedBatch.of(texts.stream().map(TokenizedText::ids).toList(),
          texts.stream().map(TokenizedText::typeIds).toList(), model.tokenizer().padId());
      NDArray h0 = net.embed(m, enc);
      NDArray mask = net.maskBias(m, enc);
      JniUtils.setGradMode(true);
      h0.setRequiresGradient(true);
      NDArray logits = net.logits(h0, mask, method.rules(), null);
      int c = (int) logits.getShape().get(1);
      float[] seed = new float[2 * c];
      seed[0] = 1;
      seed[c] = 1;
      JniUtils.backward((PtNDArray) logits, (PtNDArray) m.create(seed, new Shape(2, c)), false, false);
      JniUtils.setGradMode(false);
      return h0.mul(h0.getGradient()).sum(new int[] {2}).toType(DataType.FLOAT64, false).toDoubleArray();
    } finally {
      JniUtils.setGradMode(grad);
    }
  }
}
