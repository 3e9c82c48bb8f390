package org.lrpaudit.explainjob;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.lrpaudit.explain.Explainer;
import org.lrpaudit.explain.Explanation;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.NonFiniteRelevanceException;
import org.lrpaudit.explain.Target;
import org.lrpaudit.explain.TextInput;
import org.lrpaudit.explain.TokenBudget;
import org.lrpaudit.model.TextClassifier;
import org.lrpaudit.model.TokenizedText;
import org.lrpaudit.runtime.Chunks;
import org.lrpaudit.runtime.DeviceChoice;
import org.lrpaudit.runtime.JobMetrics;
import org.lrpaudit.runtime.ModelCache;
import org.lrpaudit.runtime.RowError;
import org.lrpaudit.runtime.TextCheck;

/**
 * Explains one partition: input rows (CorpusReader.INPUT) to relevance rows (RelevanceTable.SCHEMA). Rows are taken in
 * chunks of chunk-rows (memory stays flat however big the partition); a chunk is tokenized once, sorted by length and cut
 * into batches by the token budget for every method, and its output rows come back in input order, method by method.
 * Every input row gives exactly one output row per method: rows that cannot be explained become error rows.
 */
public final class PartitionExplainer implements MapPartitionsFunction<Row, Row> {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PartitionExplainer.class);

  /**
   * Fault injection for the exactly-once tests: a task that meets a row with exactly this text fails (the job then fails).
   * Read from a system property of the JVM that runs the task; unset in production.
   */
  public static final String FAULT_PROPERTY = "lrp.audit.test.fail-on-text";
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
    TaskContext task = TaskContext.get();
    Map<String, ResourceInformation> resources = task == null ? Map.of() : task.resourcesJMap();
    return explain(input, DeviceChoice.forResources(resources));
  }

  Iterator<Row> explain(Iterator<Row> input, Device device) {
    // the model is looked up when the first chunk arrives, so an empty partition never loads it
    return new Chunks(input, s.chunkRows(), chunk -> chunk(ModelCache.get(s.model(), s.maxLength(), device,
        torchThreads), chunk));
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
      if (text != null && text.equals(System.getProperty(FAULT_PROPERTY))) {
        throw new IllegalStateException("injected fault (" + FAULT_PROPERTY + ")");
      }
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
    List<Row> out = new ArrayList<>(n * s.methods().size());
    for (String method : s.methods()) {
      long m0 = System.nanoTime();
      Object[] results = run(explainer, budget, method, target, inputs, toks);
      metrics.methodNanos.get(method).add(System.nanoTime() - m0);
      int v = 0;
      for (int i = 0; i < n; i++) {
        Row r = rows.get(i);
        String id = r.getString(0);
        Integer label = r.isNullAt(2) ? null : r.getInt(2);
        Integer length = r.isNullAt(1) ? null : r.getString(1).length();
        Object result = errors[i] == null ? results[v++] : errors[i];
        if (result instanceof RowError err) {
          out.add(RelevanceTable.error(id, label, err, modelId, length, runId, method));
          metrics.errorRows.add(1);
        } else if (result instanceof Explanation e) {
          out.add(RelevanceTable.ok(id, label, e, length, runId));
        } else {
          float[] logits = (float[]) result;
          int predicted = argmax(logits);
          out.add(RelevanceTable.forward(id, label, modelId, logits, predicted,
              classifier.config().labels().get(predicted), tokenized[i].truncated(), length, tokenized[i].length(), runId));
        }
      }
      metrics.rowsOut.add(n);
    }
    return out;
  }

  /**
   * Results in input order: an Explanation, float[] logits (forward) or a RowError per row. Batches are made here so a
   * batch that fails is retried one row at a time, and one bad row does not fail its neighbours.
   */
  private Object[] run(Explainer explainer, TokenBudget budget, String method, Target target, List<TextInput> inputs,
      List<TokenizedText> toks) {
    Object[] out = new Object[inputs.size()];
    int[] lengths = toks.stream().mapToInt(TokenizedText::length).toArray();
    for (List<Integer> batch : budget.batches(lengths)) {
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
      List<TextInput> in = batch.stream().map(inputs::get).toList();
      List<TokenizedText> tk = batch.stream().map(toks::get).toList();
      try {
        List<?> done = runBatch(explainer, method, target, in, tk);
        for (int k = 0; k < batch.size(); k++) {
          out[batch.get(k)] = finiteLogits(done.get(k));
        }
      } catch (NonFiniteRelevanceException fault) {
        // A numerical fault of the batch, not of a row: every row reports it; recomputing row by row would hide it.
        LOG.error("explain: {} (batch of {} rows, method {})", fault.getMessage(), batch.size(), method);
        for (int i : batch) {
          out[i] = new RowError(RowError.EXPLAIN_FAILED, fault.getMessage());
        }
      } catch (RuntimeException batchFailure) {
        for (int k = 0; k < batch.size(); k++) {
          try {
            out[batch.get(k)] = finiteLogits(runBatch(explainer, method, target, List.of(in.get(k)), List.of(tk.get(k)))
                .get(0));
          } catch (IllegalArgumentException e) {
            out[batch.get(k)] = new RowError(RowError.BAD_TARGET, e.getMessage());
          } catch (RuntimeException e) {
            out[batch.get(k)] = new RowError(RowError.EXPLAIN_FAILED, e.toString());
          }
        }
      }
    }
    return out;
  }

  /** Forward-only results with a non-finite logit are errors, never "ok" rows (explanations check theirs already). */
  private static Object finiteLogits(Object result) {
    if (result instanceof float[] logits) {
      for (float v : logits) {
        if (!Float.isFinite(v)) {
          return new RowError(RowError.EXPLAIN_FAILED, "the model's logits are not finite: "
              + java.util.Arrays.toString(logits));
        }
      }
    }
    return result;
  }

  private static List<?> runBatch(Explainer explainer, String method, Target target, List<TextInput> in,
      List<TokenizedText> tk) {
    if (method.equals(ExplainSettings.FORWARD)) {
      return java.util.Arrays.asList(explainer.logits(tk));
    }
    return explainer.explainTokenized(in, tk, Method.parse(method), target);
  }

  private static TokenizedText withTruncated(TokenizedText t) {
    return new TokenizedText(t.ids(), t.typeIds(), t.tokens(), t.starts(), t.ends(), t.wordIds(), t.special(), true);
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
