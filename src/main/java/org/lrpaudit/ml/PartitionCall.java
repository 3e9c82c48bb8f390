package org.lrpaudit.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.lrpaudit.explainjob.ExplainSettings;
import org.lrpaudit.runtime.JobMetrics;
import org.lrpaudit.explainjob.PartitionExplainer;

/**
 * The Transformer's one call into the explain job's partition code (token-budget batching, native-memory trimming,
 * error rows, one model per executor JVM, the task's GPU): everything the Transformer knows of that code is here, so
 * that moving to the shared partition runner changes this class only.
 */
final class PartitionCall implements Serializable {
  private final PartitionExplainer explainer;
  private final int methods;

  PartitionCall(ExplainSettings settings, int torchThreads, JobMetrics metrics) {
    this.explainer = new PartitionExplainer(settings, torchThreads, metrics);
    this.methods = settings.methods().size();
  }

  /**
   * Explains one chunk of input rows (CorpusReader.INPUT, at most chunk-rows of them, so the partition code sees one
   * chunk). Returns rows[method][row] of relevance table rows, in input order.
   */
  Row[][] explain(List<Row> input) {
    Iterator<Row> out = explainer.call(input.iterator());
    List<Row> all = new ArrayList<>(input.size() * methods);
    out.forEachRemaining(all::add);
    if (all.size() != input.size() * methods) {
      throw new IllegalStateException("the partition explainer returned " + all.size() + " rows for " + input.size()
          + " rows x " + methods + " methods");
    }
    Row[][] byMethod = new Row[methods][input.size()];
    for (int m = 0; m < methods; m++) {
      for (int i = 0; i < input.size(); i++) {
        byMethod[m][i] = all.get(m * input.size() + i); // chunk output is method by method
      }
    }
    return byMethod;
  }
}
