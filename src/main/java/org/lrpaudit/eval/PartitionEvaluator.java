package org.lrpaudit.eval;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.TextInput;
import org.lrpaudit.explain.TokenBudget;
import org.lrpaudit.model.TextClassifier;
import org.lrpaudit.model.TokenizedText;
import org.lrpaudit.runtime.CorpusReader;
import org.lrpaudit.runtime.PartitionRunner;
import org.lrpaudit.runtime.RowError;
import org.lrpaudit.runtime.TextCheck;

/**
 * Evaluates one partition: input rows (CorpusReader.INPUT, or INPUT_WITH_PAIR for sentence pairs) to rows of the texts
 * table, one per input row and method.
 * Rows are taken in chunks; a chunk's texts are explained and their perturbed inputs run through the per-JVM model in
 * token-budget batches. A row that cannot be evaluated (no gold label, a bad text, a failed explanation) becomes a row
 * with its reason as status, so rows in x methods == rows out. The loop (chunks, model, progress) is PartitionRunner's.
 */
public final class PartitionEvaluator implements MapPartitionsFunction<Row, Row> {
  private static final int PAIR = CorpusReader.INPUT_WITH_PAIR.fieldIndex("pair");
  private final EvaluateSettings s;
  private final int torchThreads;
  private final EvaluateMetrics metrics;

  public PartitionEvaluator(EvaluateSettings settings, int torchThreads, EvaluateMetrics metrics) {
    this.s = settings;
    this.torchThreads = torchThreads;
    this.metrics = metrics;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    return new PartitionRunner(new PartitionRunner.ModelSpec(s.model(), s.maxLength(), torchThreads), s.chunkRows(),
        metrics.rowsDone).run(input, this::chunk);
  }

  List<Row> chunk(TextClassifier classifier, List<Row> rows) {
    int n = rows.size();
    int classes = classifier.config().numLabels();
    RowError[] skip = new RowError[n];
    Integer[] lengths = new Integer[n];
    List<Integer> valid = new ArrayList<>();
    List<TokenizedText> texts = new ArrayList<>();
    List<TextInput> inputs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      skip[i] = reason(classifier, r, classes);
      if (skip[i] != null) {
        continue;
      }
      // A sentence pair's second text (CorpusReader.INPUT_WITH_PAIR), checked by the reader: a row without a usable one
      // already carries its input_status.
      String pair = s.pairColumn() == null ? null : r.getString(PAIR);
      TokenizedText t;
      try {
        t = classifier.tokenizer().encode(r.getString(1), pair);
      } catch (RuntimeException e) {
        skip[i] = new RowError(RowError.TOKENIZE_FAILED, "the tokenizer failed: " + e);
        continue;
      }
      lengths[i] = t.length();
      skip[i] = TextCheck.noTokens(t); // only special tokens (a pair has 3 or 4 of them)
      if (skip[i] != null) {
        continue;
      }
      valid.add(i);
      texts.add(t);
      inputs.add(new TextInput(r.getString(1), r.getInt(2), pair));
    }
    List<Method> methods = s.methodList();
    FaithfulnessEvaluator.Outcome[][] outcomes = new FaithfulnessEvaluator.Outcome[methods.size()][0];
    if (!valid.isEmpty()) {
      FaithfulnessEvaluator evaluator = new FaithfulnessEvaluator(classifier, new TokenBudget(s.batchTokens(),
          s.batchRows()), s.methodOptions(), s.steps(), s.keepSpecial());
      FaithfulnessEvaluator.Timing timing = new FaithfulnessEvaluator.Timing();
      outcomes = evaluator.evaluate(inputs, texts, methods, timing);
      metrics.add(timing, valid.size());
    }
    List<Row> out = new ArrayList<>(n * methods.size());
    for (int m = 0; m < methods.size(); m++) {
      String method = methods.get(m).id();
      int v = 0;
      for (int i = 0; i < n; i++) {
        Row r = rows.get(i);
        Integer label = r.isNullAt(2) ? null : r.getInt(2);
        if (skip[i] != null) {
          out.add(FaithfulnessTable.skipped(r.getString(0), label, method, skip[i].status(), skip[i].message(),
              lengths[i]));
          continue;
        }
        FaithfulnessEvaluator.Outcome o = outcomes[m][v++];
        out.add(o.curves() == null
            ? FaithfulnessTable.skipped(r.getString(0), label, method, RowError.EXPLAIN_FAILED, o.error(), lengths[i])
            : FaithfulnessTable.ok(r.getString(0), label, method, o));
      }
    }
    return out;
  }

  /** Why a row cannot be evaluated, before tokenizing; null if it can. */
  private static RowError reason(TextClassifier classifier, Row r, int classes) {
    if (!r.isNullAt(3)) {
      return new RowError(r.getString(3), r.getString(4));
    }
    String text = r.getString(1);
    RowError bad = TextCheck.check(text);
    if (bad != null) {
      return bad;
    }
    if (r.isNullAt(2)) {
      return new RowError(FaithfulnessTable.NO_LABEL, "the row has no gold label; the tasks explain the gold label");
    }
    int label = r.getInt(2);
    if (label < 0 || label >= classes) {
      return new RowError(RowError.BAD_LABEL, "label " + label + " is not a class of this model (" + classes
          + " labels)");
    }
    return null;
  }
}
