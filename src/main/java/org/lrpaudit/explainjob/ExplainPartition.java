package org.lrpaudit.explainjob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
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
 * Explains one partition (ExplainColumn.append): each row to itself plus its explanation column. Rows are taken in
 * chunks of chunk-rows by the shared PartitionRunner (memory stays flat however big the partition); a chunk is tokenized
 * once, sorted by length and cut into batches by the token budget for every method. Every row gets exactly one
 * explanation per method: rows that cannot be explained get an error status.
 */
final class ExplainPartition implements MapPartitionsFunction<Row, Row> {
  /*
   * The runner is given each row as a view in CorpusReader.INPUT's order for the fields it shares (text at 1, label at
   * 2, input status and error at 3 and 4), whatever the caller's columns: the runner's interceptors see the same rows
   * from the job and the Transformer (the tests' FaultInjection looks for the text at 1). The row itself rides along
   * at 0 and comes out unchanged, with the explanation appended.
   */
  private static final int ROW = 0;
  private static final int TEXT = 1;
  private static final int LABEL = 2;
  private static final int STATUS = 3;
  private static final int ERROR = 4;
  private static final int PAIR = 5;
  private final ExplainSettings s;
  private final ExplainColumn.Columns columns;
  private final int torchThreads;
  private final JobMetrics metrics;

  ExplainPartition(ExplainSettings settings, ExplainColumn.Columns columns, int torchThreads, JobMetrics metrics) {
    this.s = settings;
    this.columns = columns;
    this.torchThreads = torchThreads;
    this.metrics = metrics;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    Iterator<Row> views = new Iterator<>() {
      @Override
      public boolean hasNext() {
        return input.hasNext();
      }

      @Override
      public Row next() {
        Row r = input.next();
        return RowFactory.create(r, value(r, columns.text()), value(r, columns.label()), value(r, columns.inputStatus()),
            value(r, columns.inputError()), value(r, columns.pair()));
      }
    };
    // Rows out are counted in chunk(), as rows x methods (what the relevance table will hold; ProgressLog's unit).
    return new PartitionRunner(new PartitionRunner.ModelSpec(s.model(), s.maxLength(), torchThreads), s.chunkRows(),
        null).run(views, this::chunk);
  }

  private static Object value(Row r, int at) {
    return at < 0 || r.isNullAt(at) ? null : r.get(at);
  }

  /** One chunk of row views to the rows with their explanation column, in input order. */
  List<Row> chunk(TextClassifier classifier, List<Row> rows) {
    int n = rows.size();
    Target target = Target.parse(s.target());
    String modelId = classifier.modelId();
    RowError[] errors = new RowError[n];
    TokenizedText[] tokenized = new TokenizedText[n];
    String[] texts = new String[n];
    List<Integer> valid = new ArrayList<>(n);
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      if (!r.isNullAt(STATUS)) {
        errors[i] = new RowError(r.getString(STATUS), r.getString(ERROR));
        continue;
      }
      String text = r.getString(TEXT);
      errors[i] = TextCheck.check(text);
      // The second text of a sentence pair (RelevanceExplainer's textPairCol); same rules.
      String pair = r.getString(PAIR);
      if (errors[i] == null && pair != null) {
        errors[i] = TextCheck.check(pair);
      }
      if (errors[i] != null) {
        continue;
      }
      texts[i] = TextCheck.cut(text, s.maxChars());
      try {
        tokenized[i] = classifier.tokenizer().encode(texts[i], pair);
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
      if (target instanceof Target.GoldLabel && r.isNullAt(LABEL)) {
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
      inputs.add(new TextInput(texts[i], r.isNullAt(LABEL) ? null : r.getInt(LABEL), r.getString(PAIR)));
      toks.add(tokenized[i]);
    }
    TokenBudget budget = new TokenBudget(s.batchTokens(), s.batchRows());
    Explainer explainer = new Explainer(classifier, budget, s.methodOptions());
    int[] lengths = toks.stream().mapToInt(TokenizedText::length).toArray();
    List<String> validTexts = inputs.stream().map(TextInput::text).toList();
    int methods = s.methods().size();
    Row[][] structs = new Row[n][methods];
    for (int m = 0; m < methods; m++) {
      String method = s.methods().get(m);
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
        Integer length = r.isNullAt(TEXT) ? null : r.getString(TEXT).length();
        RowResult<?> result = errors[i] == null ? finiteLogits(results.get(v++)) : new RowResult.Failed<>(errors[i]);
        if (result instanceof RowResult.Failed<?> failed) {
          structs[i][m] = ExplanationStruct.error(failed.error(), modelId, length, method);
          metrics.errorRows.add(1);
        } else if (((RowResult.Done<?>) result).value() instanceof Explanation e) {
          structs[i][m] = ExplanationStruct.ok(e, length);
        } else {
          float[] logits = (float[]) ((RowResult.Done<?>) result).value();
          int predicted = argmax(logits);
          structs[i][m] = ExplanationStruct.forward(modelId, logits, predicted,
              classifier.config().labels().get(predicted), tokenized[i].truncated(), length, tokenized[i].length());
        }
      }
    }
    metrics.rowsOut.add((long) n * methods);
    List<Row> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Row r = (Row) rows.get(i).get(ROW);
      Object[] values = new Object[r.size() + 1];
      for (int k = 0; k < r.size(); k++) {
        values[k] = r.get(k);
      }
      values[r.size()] = methods == 1 ? structs[i][0]
          : scala.collection.JavaConverters.asScalaBuffer(Arrays.asList(structs[i])).toSeq();
      out.add(RowFactory.create(values));
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
  static RowResult<?> finiteLogits(RowResult<?> result) {
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

  static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
