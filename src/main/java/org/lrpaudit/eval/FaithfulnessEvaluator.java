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
import org.lrpaudit.explain.Target;
import org.lrpaudit.explain.TextInput;
import org.lrpaudit.explain.TokenBudget;
import org.lrpaudit.model.TextClassifier;
import org.lrpaudit.model.TokenizedText;
import org.lrpaudit.runtime.PartitionRunner;
import org.lrpaudit.runtime.RowResult;

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
  private final TokenBudget budget;
  private final int steps;
  private final boolean keepSpecial;

  public FaithfulnessEvaluator(TextClassifier classifier, TokenBudget budget, MethodOptions options, int steps,
      boolean keepSpecial) {
    if (steps < 2) {
      throw new IllegalArgumentException("steps must be at least 2 (fractions 0 and 1), got " + steps);
    }
    this.classifier = classifier;
    this.explainer = new Explainer(classifier, budget, options);
    this.budget = budget;
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

  /**
   * Explanations of the gold label's logit, in the explain job's batches and with its failure handling
   * (PartitionRunner.inBatches): a batch that fails is retried text by text, so one bad text fails alone.
   */
  private Explanation[] explain(List<TextInput> inputs, List<TokenizedText> texts, Method method, String[] errors) {
    Target gold = new Target.GoldLabel();
    int[] lengths = texts.stream().mapToInt(TokenizedText::length).toArray();
    List<RowResult<Explanation>> results = PartitionRunner.inBatches(budget, lengths,
        inputs.stream().map(TextInput::text).toList(), batch -> explainer.explainTokenized(
            batch.stream().map(inputs::get).toList(), batch.stream().map(texts::get).toList(), method, gold), null);
    Explanation[] out = new Explanation[texts.size()];
    for (int i = 0; i < out.length; i++) {
      if (results.get(i) instanceof RowResult.Done<Explanation> done) {
        out[i] = done.value();
      } else {
        errors[i] = ((RowResult.Failed<Explanation>) results.get(i)).error().message();
      }
    }
    return out;
  }

  private static int slot(Map<IdsKey, Integer> index, List<TokenizedText> unique, TokenizedText like, long[] ids) {
    return index.computeIfAbsent(new IdsKey(ids), k -> {
      unique.add(new TokenizedText(ids, like.typeIds(), like.tokens(), like.starts(), like.ends(), like.wordIds(),
          like.special(), like.truncated(), like.segments()));
      return unique.size() - 1;
    });
  }

  static double[] doubles(float[] v) {
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
