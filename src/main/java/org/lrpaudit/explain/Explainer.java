package org.lrpaudit.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lrpaudit.model.EncodedBatch;
import org.lrpaudit.model.SequenceClassifier;
import org.lrpaudit.model.TextClassifier;
import org.lrpaudit.model.TokenizedText;
import org.lrpaudit.rules.PropagationRules;

/**
 * Explains texts with Gradient x Input at h0 through the graph that a method's rules shape: R_t = sum_d h0[t,d] df_c/dh0[t,d].
 * Safe for concurrent use: DJL's GradientCollector is JVM-global, so this uses torch's per-thread grad mode instead.
 */
public final class Explainer {
  private final TextClassifier classifier;
  private final TokenBudget budget;
  private final MethodOptions options;

  public Explainer(TextClassifier classifier, TokenBudget budget, MethodOptions options) {
    this.classifier = classifier;
    this.budget = budget;
    this.options = options;
  }

  public Explainer(TextClassifier classifier, TokenBudget budget) {
    this(classifier, budget, MethodOptions.DEFAULT);
  }

  public Explainer(TextClassifier classifier) {
    this(classifier, new TokenBudget(TokenBudget.DEFAULT_TOKENS, TokenBudget.DEFAULT_ROWS));
  }

  public TextClassifier classifier() {
    return classifier;
  }

  /** Explanations in input order. */
  public List<Explanation> explain(List<TextInput> inputs, Method method, Target target) {
    List<TokenizedText> tokenized = new ArrayList<>(inputs.size());
    for (TextInput in : inputs) {
      tokenized.add(classifier.tokenizer().encode(in.text() == null ? "" : in.text(), in.pair()));
    }
    return explainTokenized(inputs, tokenized, method, target);
  }

  public List<Explanation> explainTokenized(List<TextInput> inputs, List<TokenizedText> tokenized, Method method,
      Target target) {
    return explainTokenized(inputs, tokenized, method.create(options), method.id(), target);
  }

  /** With rules other than the four methods' (tests switch the rules on one at a time). */
  List<Explanation> explainTokenized(List<TextInput> inputs, List<TokenizedText> tokenized, PropagationRules rules,
      String methodName, Target target) {
    return explainTokenized(inputs, tokenized, new GradientTimesInput(rules), methodName, target);
  }

  List<Explanation> explainTokenized(List<TextInput> inputs, List<TokenizedText> tokenized, RelevanceMethod method,
      String methodName, Target target) {
    Explanation[] out = new Explanation[inputs.size()];
    int[] lengths = tokenized.stream().mapToInt(TokenizedText::length).toArray();
    for (List<Integer> batch : budget.batches(lengths)) {
      List<TokenizedText> rows = batch.stream().map(tokenized::get).toList();
      List<Integer> labels = batch.stream().map(i -> inputs.get(i).label()).toList();
      List<Explanation> done = explainBatch(batch.stream().map(i -> inputs.get(i).text()).toList(),
          batch.stream().map(i -> inputs.get(i).pair()).toList(), rows, labels, method, methodName, target);
      for (int k = 0; k < batch.size(); k++) {
        out[batch.get(k)] = done.get(k);
      }
    }
    return Arrays.asList(out);
  }

  /** Logits only (no gradient), [texts][labels], in input order. */
  public float[][] logits(List<TokenizedText> tokenized) {
    float[][] out = new float[tokenized.size()][];
    int[] lengths = tokenized.stream().mapToInt(TokenizedText::length).toArray();
    SequenceClassifier model = classifier.model();
    for (List<Integer> batch : budget.batches(lengths)) {
      EncodedBatch enc = encode(batch.stream().map(tokenized::get).toList());
      boolean grad = JniUtils.isGradMode();
      JniUtils.setGradMode(false);
      try (NDManager m = NDManager.newBaseManager(model.device())) {
        SequenceClassifier.copyRows(model.logits(model.embed(m, enc), model.maskBias(m, enc), Method.GI.rules(), null),
            batch, out);
      } finally {
        JniUtils.setGradMode(grad);
      }
    }
    return out;
  }

  private EncodedBatch encode(List<TokenizedText> rows) {
    return EncodedBatch.of(rows.stream().map(TokenizedText::ids).toList(),
        rows.stream().map(TokenizedText::typeIds).toList(), classifier.tokenizer().padId());
  }

  private List<Explanation> explainBatch(List<String> texts, List<String> pairs, List<TokenizedText> rows,
      List<Integer> labels, RelevanceMethod method, String methodName, Target target) {
    SequenceClassifier model = classifier.model();
    EncodedBatch enc = encode(rows);
    int b = enc.size();
    int l = enc.length();
    boolean grad = JniUtils.isGradMode();
    try (NDManager m = NDManager.newBaseManager(model.device())) {
      JniUtils.setGradMode(false);
      NDArray h0 = model.embed(m, enc); // a leaf: no graph behind it
      NDArray maskBias = model.maskBias(m, enc);
      List<String> names = classifier.config().labels();
      BatchPass pass = new BatchPass(model, m, enc, h0, maskBias,
          (k, predicted) -> target.resolve(predicted, labels.get(k), names));
      double[] relevance = method.relevance(pass);
      JniUtils.setGradMode(false);
      double[] logitValues = pass.logits();
      int c = logitValues.length / b;

      requireFinite(relevance, b, l);
      requireZeroPadding(relevance, enc);
      List<Explanation> out = new ArrayList<>(b);
      for (int k = 0; k < b; k++) {
        out.add(assemble(texts.get(k), pairs.get(k), rows.get(k), methodName, Arrays.copyOfRange(logitValues, k * c, (k + 1) * c),
            pass.predicted()[k], pass.explained()[k], relevance, k * l));
      }
      return out;
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  private Explanation assemble(String text, String pair, TokenizedText t, String methodName, double[] logits, int predicted, int explained,
      double[] relevance, int offset) {
    String safeText = text == null ? "" : text;
    List<TokenRelevance> tokens = new ArrayList<>(t.length());
    double sum = 0;
    // Only the first t.length() positions are real; padding beyond them is not reported (its relevance is exactly 0).
    for (int i = 0; i < t.length(); i++) {
      double r = relevance[offset + i];
      sum += r;
      tokens.add(new TokenRelevance(t.tokens()[i], t.ids()[i], t.starts()[i], t.ends()[i], r, t.segments()[i]));
    }
    List<String> labels = classifier.config().labels();
    return new Explanation(safeText, methodName, classifier.modelId(), toFloats(logits), predicted, labels.get(predicted),
        explained, labels.get(explained), logits[explained], tokens, Words.merge(safeText, pair, t, tokens), sum,
        logits[explained] - sum, t.truncated(), pair);
  }

  /** Finite logits but non-finite relevance is a numerical fault (docs/native-memory.md): reported, never retried. */
  static void requireFinite(double[] relevance, int b, int l) {
    long nonFinite = Arrays.stream(relevance).filter(v -> !Double.isFinite(v)).count();
    if (nonFinite > 0) {
      throw new NonFiniteRelevanceException(nonFinite + " of " + relevance.length + " relevance values of a "
          + b + "x" + l + " batch are not finite although its logits are");
    }
  }

  static float[] toFloats(double[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) v[i];
    }
    return out;
  }

  /**
   * Padding is masked out of every key, so its relevance must be exactly 0; anything else means a mask bug, which would
   * also make results depend on batch composition. Checked on every batch because it costs nothing next to the model.
   */
  private static void requireZeroPadding(double[] relevance, EncodedBatch enc) {
    for (int k = 0; k < enc.size(); k++) {
      for (int i = enc.lengths()[k]; i < enc.length(); i++) {
        if (relevance[k * enc.length() + i] != 0) {
          throw new IllegalStateException("padding position " + i + " of batch row " + k + " got relevance "
              + relevance[k * enc.length() + i] + "; the attention mask is broken");
        }
      }
    }
  }
}
