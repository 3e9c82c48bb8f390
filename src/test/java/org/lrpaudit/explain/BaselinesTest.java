package org.lrpaudit.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lrpaudit.model.AttentionHook;
import org.lrpaudit.model.Checkpoint;
import org.lrpaudit.model.EncodedBatch;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.model.TestCheckpoints;
import org.lrpaudit.model.TextClassifier;
import org.lrpaudit.model.TokenizedText;
import org.lrpaudit.rules.PropagationRules;

/**
 * Every baseline against an independent computation on tiny random float64 models: attention computed by hand from the
 * weights in plain Java, rollout and gae recomputed in plain Java from observed attention, gae's gradient by finite
 * differences in P, ig by a Riemann sum of finite-difference derivatives (no autograd), and random for reproducibility.
 */
class BaselinesTest {
  private static final RandomCheckpoint.Spec ONE_LAYER = TestModels.spec("bert", 1, 16, 2, false, 21);
  private static final RandomCheckpoint.Spec THREE_LAYERS = TestModels.spec("bert", 3, 16, 2, false, 22);

  @Test
  void attnLastEqualsAttentionComputedByHandFromTheWeights() {
    try (TextClassifier model = TestModels.load(ONE_LAYER, DataType.FLOAT64)) {
      TokenizedText t = tokens(model, TestModels.words(6, 1));
      double[][][] p = HandAttention.firstLayer(TestModels.folder(ONE_LAYER), t.ids(), 2);
      int l = t.length();
      double[] expected = new double[l];
      for (double[][] head : p) {
        for (int i = 0; i < l; i++) {
          for (int j = 0; j < l; j++) {
            expected[j] += head[i][j] / p.length;
          }
        }
      }
      // 1e-7, not 1e-9: DJL applies the scalar 1/sqrt(d_head) to float64 scores as a float32 (relative error ~3e-8).
      assertClose(expected, relevance(model, t, Method.ATTN_LAST), 1e-7);
    }
  }

  @Test
  void rolloutEqualsPlainJavaRolloutOfObservedAttention() {
    try (TextClassifier model = TestModels.load(THREE_LAYERS, DataType.FLOAT64)) {
      TokenizedText t = tokens(model, TestModels.words(5, 2));
      List<double[][][]> p = observed(model, t, null);
      // The observed first layer is the attention computed by hand from the weights: the hook shows the real P.
      double[][][] hand = HandAttention.firstLayer(TestModels.folder(THREE_LAYERS), t.ids(), 2);
      for (int h = 0; h < hand.length; h++) {
        for (int i = 0; i < hand[h].length; i++) {
          assertClose(hand[h][i], p.get(0)[h][i], 1e-7);
        }
      }
      int l = t.length();
      double[][] rollout = null;
      for (double[][][] layer : p) {
        double[][] a = new double[l][l];
        for (int i = 0; i < l; i++) {
          double sum = 0;
          for (int j = 0; j < l; j++) {
            for (double[][] head : layer) {
              a[i][j] += head[i][j] / layer.length;
            }
            a[i][j] += i == j ? 1 : 0;
            sum += a[i][j];
          }
          for (int j = 0; j < l; j++) {
            a[i][j] /= sum;
          }
        }
        rollout = rollout == null ? a : multiply(a, rollout);
      }
      double[] expected = new double[l];
      for (int i = 0; i < l; i++) {
        for (int j = 0; j < l; j++) {
          expected[j] += rollout[i][j];
        }
      }
      assertClose(expected, relevance(model, t, Method.ROLLOUT), 1e-9);
    }
  }

  /** gae's dA by central finite differences of f_c in each entry of P (P perturbed through the attention hook). */
  @Test
  void gaeEqualsPlainJavaGaeWithFiniteDifferenceGradients() {
    RandomCheckpoint.Spec spec = TestModels.spec("bert", 2, 16, 2, false, 23);
    try (TextClassifier model = TestModels.load(spec, DataType.FLOAT64)) {
      TokenizedText t = tokens(model, TestModels.words(3, 3));
      Explanation e = explain(model, t, Method.GAE);
      int c = e.explainedClass();
      List<double[][][]> p = observed(model, t, null);
      int l = t.length();
      double eps = 1e-6;
      double[][] r = identity(l);
      for (int layer = 0; layer < p.size(); layer++) {
        int heads = p.get(layer).length;
        double[][] bar = new double[l][l];
        for (int h = 0; h < heads; h++) {
          for (int i = 0; i < l; i++) {
            for (int j = 0; j < l; j++) {
              double up = logit(model, t, c, new Poke(layer, h, i, j, eps));
              double down = logit(model, t, c, new Poke(layer, h, i, j, -eps));
              double grad = (up - down) / (2 * eps);
              bar[i][j] += Math.max(0, grad * p.get(layer)[h][i][j]) / heads;
            }
          }
        }
        double[][] next = multiply(bar, r);
        for (int i = 0; i < l; i++) {
          for (int j = 0; j < l; j++) {
            next[i][j] += r[i][j];
          }
        }
        r = next;
      }
      double[] got = e.tokens().stream().mapToDouble(TokenRelevance::relevance).toArray();
      assertClose(r[0], got, 1e-6);
      assertTrue(java.util.Arrays.stream(got).skip(1).anyMatch(v -> v > 1e-4), "gae gave only the identity: vacuous");
    }
  }

  /**
   * ig against a midpoint Riemann sum of finite differences: h0_t . grad_t f(a h0) is the derivative of f along token
   * t's own embedding, (f(a h0 + eps h0_t) - f(a h0 - eps h0_t)) / 2 eps. No autograd in the reference.
   */
  @Test
  void igEqualsARiemannSumOfFiniteDifferences() {
    RandomCheckpoint.Spec spec = TestModels.spec("bert", 2, 16, 2, false, 24);
    try (TextClassifier model = TestModels.load(spec, DataType.FLOAT64)) {
      TokenizedText t = tokens(model, TestModels.words(5, 4));
      int steps = 4;
      Explanation e = explain(model, t, Method.IG, new MethodOptions(steps, 0));
      int c = e.explainedClass();
      double[] expected = new double[t.length()];
      double eps = 1e-5;
      for (int tok = 0; tok < t.length(); tok++) {
        for (int k = 1; k <= steps; k++) {
          double a = (k - 0.5) / steps;
          double up = scaledLogit(model, t, c, a, tok, eps);
          double down = scaledLogit(model, t, c, a, tok, -eps);
          expected[tok] += (up - down) / (2 * eps) / steps;
        }
      }
      assertClose(expected, e.tokens().stream().mapToDouble(TokenRelevance::relevance).toArray(), 1e-6);
    }
  }

  /**
   * Completeness: sum_t R_t -> f_c(h0) - f_c(0) as steps grow (the midpoint rule's error falls like 1/n^2 once n is large;
   * for very few steps it need not fall monotonically: measured 0.15, 0.31, 0.0002 at 2, 8, 64 steps here).
   */
  @Test
  void igSumApproachesTheLogitDifferenceAsStepsGrow() {
    RandomCheckpoint.Spec spec = TestModels.spec("bert", 2, 16, 2, false, 25);
    try (TextClassifier model = TestModels.load(spec, DataType.FLOAT64)) {
      TokenizedText t = tokens(model, TestModels.words(6, 5));
      int c = explain(model, t, Method.GI).explainedClass();
      double target = scaledLogit(model, t, c, 1, 0, 0) - scaledLogit(model, t, c, 0, 0, 0);
      double[] error = new double[2];
      int[] steps = {8, 64};
      for (int i = 0; i < steps.length; i++) {
        Explanation e = explain(model, t, Method.IG, new MethodOptions(steps[i], 0));
        assertEquals(c, e.explainedClass());
        error[i] = Math.abs(e.relevanceSum() - target);
      }
      assertTrue(error[1] < error[0] / 10, java.util.Arrays.toString(error));
      assertTrue(error[1] < 1e-3 * Math.max(1, Math.abs(target)), "64 steps still miss f(x) - f(0) = " + target + " by "
          + error[1]);
    }
  }

  @Test
  void randomIsSeededPerTextAndIndependentOfTheBatch() {
    try (TextClassifier model = TestModels.load(ONE_LAYER, DataType.FLOAT32)) {
      List<TextInput> texts = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        texts.add(TextInput.of(TestModels.words(5 + i % 17, 100 + i)));
      }
      Explainer seed0 = new Explainer(model, new TokenBudget(4096, 64), new MethodOptions(20, 0));
      List<Explanation> batched = seed0.explain(texts, Method.RANDOM, Target.PREDICTED);
      Explanation alone = new Explainer(model, new TokenBudget(4096, 1), new MethodOptions(20, 0))
          .explain(List.of(texts.get(7)), Method.RANDOM, Target.PREDICTED).get(0);
      assertClose(values(alone), values(batched.get(7)), 0);
      assertClose(values(batched.get(3)), values(seed0.explain(texts, Method.RANDOM, Target.PREDICTED).get(3)), 0);
      Explanation otherSeed = new Explainer(model, new TokenBudget(4096, 64), new MethodOptions(20, 1))
          .explain(List.of(texts.get(7)), Method.RANDOM, Target.PREDICTED).get(0);
      assertNotEquals(values(alone)[1], values(otherSeed)[1]);
      double sum = 0;
      double squares = 0;
      int n = 0;
      for (Explanation e : batched) {
        for (double v : values(e)) {
          sum += v;
          squares += v * v;
          n++;
        }
      }
      double mean = sum / n;
      double sd = Math.sqrt(squares / n - mean * mean);
      assertTrue(n > 500 && Math.abs(mean) < 0.15 && Math.abs(sd - 1) < 0.1, "not N(0,1): mean " + mean + ", sd " + sd);
    }
  }

  /** Each baseline gives a text the same relevance alone and padded beside a much longer text. */
  @Test
  void baselinesDoNotDependOnTheBatch() {
    try (TextClassifier model = TestModels.load(THREE_LAYERS, DataType.FLOAT64)) {
      TextInput shortText = TextInput.of(TestModels.words(4, 8));
      TextInput longText = TextInput.of(TestModels.words(30, 9));
      for (Method m : List.of(Method.RANDOM, Method.ATTN_LAST, Method.ROLLOUT, Method.GAE, Method.IG)) {
        Explainer explainer = new Explainer(model, new TokenBudget(100_000, 64), new MethodOptions(3, 0));
        double[] alone = values(explainer.explain(List.of(shortText), m, Target.PREDICTED).get(0));
        double[] padded = values(explainer.explain(List.of(longText, shortText), m, Target.PREDICTED).get(1));
        assertClose(alone, padded, 1e-9);
      }
    }
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  private record Poke(int layer, int head, int i, int j, double eps) {}

  private static Explanation explain(TextClassifier model, TokenizedText t, Method m) {
    return explain(model, t, m, MethodOptions.DEFAULT);
  }

  private static Explanation explain(TextClassifier model, TokenizedText t, Method m, MethodOptions o) {
    return new Explainer(model, new TokenBudget(4096, 64), o)
        .explainTokenized(List.of(TextInput.of(TEXTS.get(t))), List.of(t), m, Target.PREDICTED).get(0);
  }

  /** The text each tokenized sample came from (explanations map tokens back onto it). */
  private static final Map<TokenizedText, String> TEXTS = new java.util.IdentityHashMap<>();

  private static TokenizedText tokens(TextClassifier model, String text) {
    TokenizedText t = model.tokenizer().encode(text);
    TEXTS.put(t, text);
    return t;
  }

  private static double[] relevance(TextClassifier model, TokenizedText t, Method m) {
    return values(explain(model, t, m));
  }

  private static double[] values(Explanation e) {
    return e.tokens().stream().mapToDouble(TokenRelevance::relevance).toArray();
  }

  /** Observed P per layer [heads][L][L] of one text; with a poke, that entry of P is moved by eps first. */
  private static List<double[][][]> observed(TextClassifier model, TokenizedText t, Poke poke) {
    List<double[][][]> out = new ArrayList<>();
    forward(model, t, (layer, p) -> {
      out.add(toArray(p));
      return p;
    }, 1, 0);
    return out;
  }

  private static double logit(TextClassifier model, TokenizedText t, int c, Poke poke) {
    AttentionHook hook = (layer, p) -> {
      if (layer != poke.layer()) {
        return p;
      }
      long l = p.getShape().get(2);
      double[] delta = new double[(int) p.size()];
      delta[(int) ((poke.head() * l + poke.i()) * l + poke.j())] = poke.eps();
      return p.add(p.getManager().create(delta, p.getShape()));
    };
    return forward(model, t, hook, 1, 0)[c];
  }

  /** f at a * h0 with token tok's own embedding added eps times (eps = 0: plain scaled input). */
  private static double scaledLogit(TextClassifier model, TokenizedText t, int c, double a, int tok, double eps) {
    return forward(model, t, null, a, eps, tok)[c];
  }

  private static double[] forward(TextClassifier model, TokenizedText t, AttentionHook hook, double a, double eps) {
    return forward(model, t, hook, a, eps, 0);
  }

  private static double[] forward(TextClassifier model, TokenizedText t, AttentionHook hook, double a, double eps,
      int tok) {
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager m = NDManager.newBaseManager()) {
      EncodedBatch enc = EncodedBatch.of(List.of(t.ids()), List.of(t.typeIds()), 0);
      NDArray h0 = model.model().embed(m, enc);
      double[] v = h0.toDoubleArray();
      int d = (int) h0.getShape().get(2);
      double[] x = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        x[i] = a * v[i] + (i / d == tok ? eps * v[i] : 0);
      }
      NDArray input = m.create(x, h0.getShape());
      return model.model().hookedLogits(input, model.model().maskBias(m, enc), PropagationRules.GRADIENT, hook)
          .toDoubleArray();
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  private static double[][][] toArray(NDArray p) {
    Shape s = p.getShape();
    int h = (int) s.get(1);
    int l = (int) s.get(2);
    double[] flat = p.toType(DataType.FLOAT64, false).toDoubleArray();
    double[][][] out = new double[h][l][l];
    for (int k = 0; k < h; k++) {
      for (int i = 0; i < l; i++) {
        System.arraycopy(flat, (k * l + i) * l, out[k][i], 0, l);
      }
    }
    return out;
  }

  private static double[][] identity(int l) {
    double[][] r = new double[l][l];
    for (int i = 0; i < l; i++) {
      r[i][i] = 1;
    }
    return r;
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    int n = a.length;
    double[][] c = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < n; k++) {
        for (int j = 0; j < n; j++) {
          c[i][j] += a[i][k] * b[k][j];
        }
      }
    }
    return c;
  }

  private static void assertClose(double[] expected, double[] actual, double tolerance) {
    assertEquals(expected.length, actual.length, "lengths");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tolerance * Math.max(1, Math.abs(expected[i])), "index " + i);
    }
  }

  /** The first layer's attention of a BERT checkpoint from its weights, in plain Java doubles: [heads][L][L]. */
  static final class HandAttention {
    static double[][][] firstLayer(Path folder, long[] ids, int heads) {
      Map<String, TestCheckpoints.Tensor> w = TestCheckpoints.readAll(folder.resolve(Checkpoint.WEIGHTS));
      int l = ids.length;
      int d = (int) w.get("bert.embeddings.word_embeddings.weight").shape()[1];
      double[][] x = new double[l][d];
      for (int t = 0; t < l; t++) {
        for (int k = 0; k < d; k++) {
          x[t][k] = w.get("bert.embeddings.word_embeddings.weight").values()[(int) ids[t] * d + k]
              + w.get("bert.embeddings.position_embeddings.weight").values()[t * d + k]
              + w.get("bert.embeddings.token_type_embeddings.weight").values()[k];
        }
        double mean = 0;
        for (double v : x[t]) {
          mean += v / d;
        }
        double var = 0;
        for (double v : x[t]) {
          var += (v - mean) * (v - mean) / d;
        }
        for (int k = 0; k < d; k++) {
          x[t][k] = (x[t][k] - mean) / Math.sqrt(var + 1e-12) * w.get("bert.embeddings.LayerNorm.weight").values()[k]
              + w.get("bert.embeddings.LayerNorm.bias").values()[k];
        }
      }
      double[][] q = linear(x, w, "bert.encoder.layer.0.attention.self.query");
      double[][] k = linear(x, w, "bert.encoder.layer.0.attention.self.key");
      int dh = d / heads;
      double[][][] p = new double[heads][l][l];
      for (int h = 0; h < heads; h++) {
        for (int i = 0; i < l; i++) {
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < l; j++) {
            double s = 0;
            for (int e = h * dh; e < (h + 1) * dh; e++) {
              s += q[i][e] * k[j][e];
            }
            p[h][i][j] = s / Math.sqrt(dh);
            max = Math.max(max, p[h][i][j]);
          }
          double sum = 0;
          for (int j = 0; j < l; j++) {
            p[h][i][j] = Math.exp(p[h][i][j] - max);
            sum += p[h][i][j];
          }
          for (int j = 0; j < l; j++) {
            p[h][i][j] /= sum;
          }
        }
      }
      return p;
    }

    private static double[][] linear(double[][] x, Map<String, TestCheckpoints.Tensor> w, String name) {
      float[] weight = w.get(name + ".weight").values(); // [out, in]
      float[] bias = w.get(name + ".bias").values();
      int out = bias.length;
      double[][] y = new double[x.length][out];
      for (int t = 0; t < x.length; t++) {
        for (int o = 0; o < out; o++) {
          double s = bias[o];
          for (int i = 0; i < x[t].length; i++) {
            s += weight[o * x[t].length + i] * x[t][i];
          }
          y[t][o] = s;
        }
      }
      return y;
    }
  }
}
