package org.lrpaudit.eval;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;
import org.lrpaudit.runtime.JobMetrics;

/**
 * Time counters of the evaluate job, added to by the executors: one forward pass over the evaluated texts, each method's
 * explanations of the same texts in the same batches, and the perturbed inputs. A task that Spark re-runs counts twice;
 * the ratios are for speed reports, the curves come from the committed table.
 */
public final class EvaluateMetrics implements Serializable {
  final LongAccumulator forwardNanos;
  final LongAccumulator perturbedNanos;
  final LongAccumulator perturbedRows;
  final LongAccumulator evaluatedTexts;
  /** Texts-table rows done (input rows x methods, evaluated or skipped), under the name ProgressLog follows. */
  final LongAccumulator rowsDone;
  final Map<String, LongAccumulator> explainNanos = new LinkedHashMap<>();

  public EvaluateMetrics(SparkContext sc, List<String> methods) {
    forwardNanos = sc.longAccumulator("lrp.eval.forward_nanos");
    perturbedNanos = sc.longAccumulator("lrp.eval.perturbed_nanos");
    perturbedRows = sc.longAccumulator("lrp.eval.perturbed_rows");
    evaluatedTexts = sc.longAccumulator("lrp.eval.texts");
    rowsDone = sc.longAccumulator(JobMetrics.ROWS_OUT);
    for (String m : methods) {
      explainNanos.put(m, sc.longAccumulator("lrp.eval.explain_nanos." + m));
    }
  }

  void add(FaithfulnessEvaluator.Timing t, int texts) {
    forwardNanos.add(t.forwardNanos);
    perturbedNanos.add(t.perturbedNanos);
    perturbedRows.add(t.perturbedRows);
    evaluatedTexts.add(texts);
    t.explainNanos.forEach((m, n) -> explainNanos.get(m).add(n));
  }

  /** A method's explanation time over the forward pass's time on the same texts and batches. */
  public double costRatio(String method) {
    return forwardNanos.value() == 0 ? Double.NaN : (double) explainNanos.get(method).value() / forwardNanos.value();
  }
}
