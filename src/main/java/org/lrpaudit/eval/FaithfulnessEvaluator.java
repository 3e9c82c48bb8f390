package org.lrpaudit.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lrpaudit.explain.Explainer;
import org.lrpaudit.explain.Explanation;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.MethodOptions;
import org.lrpaudit.explain.NonFiniteRelevanceException;
import org.lrpaudit.explain.Target;
import org.lrpaudit.explain.TextInput;
import org.lrpaudit.explain.TokenBudget;
import org.lrpaudit.model.TextClassifier;
import org.lrpaudit.model.TokenizedText;

/**
 * Runs the faithfulness tasks for a group of labelled texts and several methods: explains each text's gold-label logit,
 * builds the perturbed inputs of both tasks, and runs them through the model in token-budget batches. Perturbed inputs
 * are deduplicated across methods and steps first (the all-[UNK] and unchanged inputs are shared by every method, and a
 * short text has fewer distinct counts than steps), which changes no value, only how often the model runs.
 */
public final class FaithfulnessEvaluator {
  /** One text under one method: its explanation and curves, or why it has none. */
  public record Outcome(Explanation explanation, TextCurves curves, String error) {}

  /** Nanoseconds spent, to put each method's cost beside one forward pass over the same texts and batches. */
  public static final class Timing {
    public long forwardNanos;
    public long perturbedNanos;
    public long perturbedRows;
    public final Map<String, Long> explainNanos = new LinkedHashMap<>();
  }

  private final TextClassifier classifier;
  private final Explainer explainer;
  private final int steps;
  private final boolean keepSpecial;

  public FaithfulnessEvaluator(TextClassifier classifier, TokenBudget budget, MethodOptions options, int steps,
      boolean keepSpecial) {
    if (steps < 2) {
      throw new IllegalArgumentException("steps must be at least 2 (fractions 0 and 1), got " + steps);
    }
    this.classifier = classifier;
    this.explainer = new Explainer(classifier, budget, options);
    this.steps = steps;
    this.keepSpecial = keepSpecial;
  }

  /** outcomes[method index][text index]; inputs hold each text and its gold label (a valid class index). */
  public Outcome[][] evaluate(List<TextInput> inputs, List<TokenizedText> texts, List<Method> methods, Timing timing) {
    List<Integer> gold = inputs.stream().map(TextInput::label).toList();
    int n = texts.size();
    long t0 = System.nanoTime();
    float[][] original = explainer.logits(texts);
    timing.forwardNanos += System.nanoTime() - t0;

    Explanation[][] explained = new Explanation[methods.size()][];
    String[][] errors = new String[methods.size()][n];
    for (int m = 0; m < methods.size(); m++) {
      long m0 = System.nanoTime();
      explained[m] = explain(inputs, texts, methods.get(m), errors[m]);
      timing.explainNanos.merge(methods.get(m).id(), System.nanoTime() - m0, Long::sum);
    }

    // Every perturbed input of every method, deduplicated; slots[m][i] = indices of its 2 x steps inputs.
    Map<IdsKey, Integer> index = new HashMap<>();
    List<TokenizedText> unique = new ArrayList<>();
    int[][][] slots = new int[methods.size()][n][];
    long unk = classifier.tokenizer().unkId();
    for (int i = 0; i < n; i++) {
      TokenizedText t = texts.get(i);
      Perturbation p = new Perturbation(t.ids(), t.special(), unk, keepSpecial);
      for (int m = 0; m < methods.size(); m++) {
        Explanation e = explained[m][i];
        if (e == null) {
          continue;
        }
        double[] r = e.tokens().stream().mapToDouble(x -> x.relevance()).toArray();
        long[][] act = p.activation(r, steps);
        long[][] prune = p.pruning(r, steps);
        int[] s = new int[2 * steps];
        for (int k = 0; k < steps; k++) {
          s[k] = slot(index, unique, t, act[k]);
          s[steps + k] = slot(index, unique, t, prune[k]);
        }
        slots[m][i] = s;
      }
    }
    long p0 = System.nanoTime();
    float[][] perturbed = explainer.logits(unique);
    timing.perturbedNanos += System.nanoTime() - p0;
    timing.perturbedRows += unique.size();

    Outcome[][] out = new Outcome[methods.size()][n];
    for (int m = 0; m < methods.size(); m++) {
      for (int i = 0; i < n; i++) {
        if (slots[m][i] == null) {
          out[m][i] = new Outcome(null, null, errors[m][i]);
          continue;
        }
        double[][] act = new double[steps][];
        double[][] prune = new double[steps][];
        for (int k = 0; k < steps; k++) {
          act[k] = doubles(perturbed[slots[m][i][k]]);
          prune[k] = doubles(perturbed[slots[m][i][steps + k]]);
        }
        out[m][i] = new Outcome(explained[m][i], TextCurves.of(doubles(original[i]), act, prune, gold.get(i)), null);
      }
    }
    return out;
  }

  /** Explanations of the gold label's logit; a batch that fails is retried text by text, so one bad text fails alone. */
  private Explanation[] explain(List<TextInput> inputs, List<TokenizedText> texts, Method method, String[] errors) {
    Target gold = new Target.GoldLabel();
    try {
      return explainer.explainTokenized(inputs, texts, method, gold).toArray(new Explanation[0]);
    } catch (NonFiniteRelevanceException fault) {
      Arrays.fill(errors, fault.toString()); // a numerical fault of the batch: reported for every text, not recomputed
      return new Explanation[texts.size()];
    } catch (RuntimeException batchFailure) {
      Explanation[] out = new Explanation[texts.size()];
      for (int i = 0; i < texts.size(); i++) {
        try {
          out[i] = explainer.explainTokenized(List.of(inputs.get(i)), List.of(texts.get(i)), method, gold).get(0);
        } catch (RuntimeException e) {
          errors[i] = e.toString();
        }
      }
      return out;
    }
  }

  private static int slot(Map<IdsKey, Integer> index, List<TokenizedText> unique, TokenizedText like, long[] ids) {
    return index.computeIfAbsent(new IdsKey(ids), k -> {
      unique.add(new TokenizedText(ids, like.typeIds(), like.tokens(), like.starts(), like.ends(), like.wordIds(),
          like.special(), like.truncated()));
      return unique.size() - 1;
    });
  }

  private static double[] doubles(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  /** Token ids compared by value (arrays compare by identity). */
  private record IdsKey(long[] ids) {
    @Override
    public boolean equals(Object o) {
      return o instanceof IdsKey k && Arrays.equals(ids, k.ids);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(ids);
    }
  }
}
