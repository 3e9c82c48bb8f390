package org.lrpaudit.runtime;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Counters the executors add to and the driver reads: rows, tokens, padding, and compute time per method. Spark applies
 * accumulator updates of successful tasks, so a task re-run after a lost executor may count twice here; the job's
 * rows-in == rows-out check therefore counts the written table, not these.
 */
public final class JobMetrics implements Serializable {
  public static final String ROWS_OUT = "lrp.rows_out";

  public final LongAccumulator rowsIn;
  public final LongAccumulator rowsOut;
  public final LongAccumulator errorRows;
  public final LongAccumulator tokens;
  public final LongAccumulator realSlots;
  public final LongAccumulator paddedSlots;
  public final LongAccumulator batches;
  public final LongAccumulator tokenizeNanos;
  public final Map<String, LongAccumulator> methodNanos = new LinkedHashMap<>();
  public final Map<String, LongAccumulator> methodTokens = new LinkedHashMap<>();

  public JobMetrics(SparkContext sc, List<String> methods) {
    rowsIn = sc.longAccumulator("lrp.rows_in");
    rowsOut = sc.longAccumulator(ROWS_OUT);
    errorRows = sc.longAccumulator("lrp.error_rows");
    tokens = sc.longAccumulator("lrp.tokens");
    realSlots = sc.longAccumulator("lrp.real_slots");
    paddedSlots = sc.longAccumulator("lrp.padded_slots");
    batches = sc.longAccumulator("lrp.batches");
    tokenizeNanos = sc.longAccumulator("lrp.tokenize_nanos");
    for (String m : methods) {
      methodNanos.put(m, sc.longAccumulator("lrp.nanos." + m));
      methodTokens.put(m, sc.longAccumulator("lrp.tokens." + m));
    }
  }

  /** Padded token slots that hold padding, over all slots (rows x longest row, summed over batches). */
  public double paddingWaste() {
    return paddedSlots.value() == 0 ? 0 : 1.0 - (double) realSlots.value() / paddedSlots.value();
  }

  /** {@link #computeRowsPerSecond(String, long)} of every method, in the methods' order. */
  public Map<String, Double> computeRowsPerSecond(long rows) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String method : methodNanos.keySet()) {
      out.put(method, computeRowsPerSecond(method, rows));
    }
    return out;
  }

  /** Rows per second of compute (summed over task threads) for one method; 0 if it did not run. */
  public double computeRowsPerSecond(String method, long rows) {
    long nanos = methodNanos.get(method).value();
    return nanos == 0 ? 0 : rows / (nanos / 1e9);
  }
}
