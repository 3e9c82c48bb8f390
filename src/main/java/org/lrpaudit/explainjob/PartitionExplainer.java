package org.lrpaudit.explainjob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.lrpaudit.explain.Explainer;
import org.lrpaudit.explain.Explanation;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.Target;
import org.lrpaudit.explain.TextInput;
import org.lrpaudit.explain.TokenBudget;
import org.lrpaudit.model.TextClassifier;
import org.lrpaudit.model.TokenizedText;
import org.lrpaudit.runtime.JobMetrics;
import org.lrpaudit.runtime.PartitionRunner;
import org.lrpaudit.runtime.RowError;
import org.lrpaudit.runtime.RowResult;
import org.lrpaudit.runtime.TextCheck;

/**
 * Explains one partition: input rows (CorpusReader.INPUT) to relevance rows (RelevanceTable.SCHEMA). Rows are taken in
 * chunks of chunk-rows (memory stays flat however big the partition); a chunk is tokenized once, sorted by length and cut
 * into batches by the token budget for every method, and its output rows come back in input order, method by method.
 * Every input row gives exactly one output row per method: rows that cannot be explained become error rows. The loop
 * itself (chunks, model, batches, failures) is the shared PartitionRunner's.
 */
public final class PartitionExplainer implements MapPartitionsFunction<Row, Row> {
  /** Input rows may carry a sentence pair's second text after CorpusReader.INPUT's columns (the job's never do). */
  public static final int PAIR_AT = 6;
  private final ExplainSettings s;
  private final String runId;
  private final int torchThreads;
  private final JobMetrics metrics;

  public PartitionExplainer(ExplainSettings settings, int torchThreads, JobMetrics metrics) {
    this.s = settings;
    this.runId = settings.runId();
    this.torchThreads = torchThreads;
    this.metrics = metrics;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    return new PartitionRunner(new PartitionRunner.ModelSpec(s.model(), s.maxLength(), torchThreads), s.chunkRows(),
        metrics.rowsOut).run(input, this::chunk);
  }

  /** One chunk of input rows to its output rows: all rows for the first method, then the second, ... */
  List<Row> chunk(TextClassifier classifier, List<Row> rows) {
    int n = rows.size();
    Target target = Target.parse(s.target());
    String modelId = classifier.modelId();
    RowError[] errors = new RowError[n];
    TokenizedText[] tokenized = new TokenizedText[n];
    String[] texts = new String[n];
    String[] pairs = new String[n];
    List<Integer> valid = new ArrayList<>(n);
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      if (!r.isNullAt(3)) {
        errors[i] = new RowError(r.getString(3), r.getString(4));
        continue;
      }
      String text = r.getString(1);
      errors[i] = TextCheck.check(text);
      // The second text of a sentence pair (RelevanceExplainer's textPairCol), after the corpus columns; same rules.
      pairs[i] = r.size() > PAIR_AT && !r.isNullAt(PAIR_AT) ? r.getString(PAIR_AT) : null;
      if (errors[i] == null && pairs[i] != null) {
        errors[i] = TextCheck.check(pairs[i]);
      }
      if (errors[i] != null) {
        continue;
      }
      texts[i] = TextCheck.cut(text, s.maxChars());
      try {
        tokenized[i] = classifier.tokenizer().encode(texts[i], pairs[i]);
      } catch (RuntimeException e) {
        errors[i] = new RowError(RowError.TOKENIZE_FAILED, "the tokenizer failed: " + e);
        continue;
      }
      if (texts[i].length() < text.length()) {
        tokenized[i] = withTruncated(tokenized[i]);
      }
      errors[i] = TextCheck.noTokens(tokenized[i]);
      if (errors[i] != null) {
        continue;
      }
      if (target instanceof Target.GoldLabel && r.isNullAt(2)) {
        errors[i] = new RowError(RowError.BAD_TARGET, "target 'label' needs a gold label, and this row has none");
        continue;
      }
      valid.add(i);
      metrics.tokens.add(tokenized[i].length());
    }
    metrics.tokenizeNanos.add(System.nanoTime() - t0);
    metrics.rowsIn.add(n);

    List<TextInput> inputs = new ArrayList<>(valid.size());
    List<TokenizedText> toks = new ArrayList<>(valid.size());
    for (int i : valid) {
      Row r = rows.get(i);
      inputs.add(new TextInput(texts[i], r.isNullAt(2) ? null : r.getInt(2), pairs[i]));
      toks.add(tokenized[i]);
    }
    TokenBudget budget = new TokenBudget(s.batchTokens(), s.batchRows());
    Explainer explainer = new Explainer(classifier, budget, s.methodOptions());
    int[] lengths = toks.stream().mapToInt(TokenizedText::length).toArray();
    List<String> validTexts = inputs.stream().map(TextInput::text).toList();
    List<Row> out = new ArrayList<>(n * s.methods().size());
    for (String method : s.methods()) {
      long m0 = System.nanoTime();
      Consumer<List<Integer>> counters = batch -> count(method, batch, lengths);
      boolean forward = method.equals(ExplainSettings.FORWARD);
      List<? extends RowResult<?>> results = forward
          ? PartitionRunner.inBatches(budget, lengths, validTexts, batch -> Arrays.asList(explainer.logits(
              batch.stream().map(toks::get).toList())), counters)
          : PartitionRunner.inBatches(budget, lengths, validTexts, batch -> explainer.explainTokenized(
              batch.stream().map(inputs::get).toList(), batch.stream().map(toks::get).toList(), Method.parse(method),
              target), counters);
      metrics.methodNanos.get(method).add(System.nanoTime() - m0);
      int v = 0;
      for (int i = 0; i < n; i++) {
        Row r = rows.get(i);
        String id = r.getString(0);
        Integer label = r.isNullAt(2) ? null : r.getInt(2);
        Integer length = r.isNullAt(1) ? null : r.getString(1).length();
        RowResult<?> result = errors[i] == null ? finiteLogits(results.get(v++)) : new RowResult.Failed<>(errors[i]);
        if (result instanceof RowResult.Failed<?> failed) {
          out.add(RelevanceTable.error(id, label, failed.error(), modelId, length, runId, method));
          metrics.errorRows.add(1);
        } else if (((RowResult.Done<?>) result).value() instanceof Explanation e) {
          out.add(RelevanceTable.ok(id, label, e, length, runId));
        } else {
          float[] logits = (float[]) ((RowResult.Done<?>) result).value();
          int predicted = argmax(logits);
          out.add(RelevanceTable.forward(id, label, modelId, logits, predicted,
              classifier.config().labels().get(predicted), tokenized[i].truncated(), length, tokenized[i].length(), runId));
        }
      }
    }
    return out;
  }

  /** The padding and token counters of one batch. */
  private void count(String method, List<Integer> batch, int[] lengths) {
    int longest = 0;
    long real = 0;
    for (int i : batch) {
      longest = Math.max(longest, lengths[i]);
      real += lengths[i];
    }
    metrics.paddedSlots.add((long) longest * batch.size());
    metrics.realSlots.add(real);
    metrics.methodTokens.get(method).add(real);
    metrics.batches.add(1);
  }

  /** Forward-only results with a non-finite logit are errors, never "ok" rows (explanations check theirs already). */
  private static RowResult<?> finiteLogits(RowResult<?> result) {
    if (result instanceof RowResult.Done<?> done && done.value() instanceof float[] logits) {
      for (float v : logits) {
        if (!Float.isFinite(v)) {
          return RowResult.failed(RowError.EXPLAIN_FAILED, "the model's logits are not finite: " + Arrays.toString(logits));
        }
      }
    }
    return result;
  }

  /** The same tokens flagged truncated; segments kept (a pair whose first text was cut still has its second text). */
  private static TokenizedText withTruncated(TokenizedText t) {
    return new TokenizedText(t.ids(), t.typeIds(), t.tokens(), t.starts(), t.ends(), t.wordIds(), t.special(), true,
        t.segments());
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
