package org.lrpaudit.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lrpaudit.runtime.HeadlineEntry;
import org.lrpaudit.runtime.RowErrors;

/**
 * What an evaluate run found, as written to summary.json (and, one line per method, summary.csv). Areas: AUAC of the
 * activation curve (higher is better), AU-MSE of the pruning change (lower is better), AUPC of the pruning probability;
 * each is the trapezoid integral over the fractions of the curve averaged over the method's evaluated texts.
 */
public record EvaluationSummary(
    String model,
    @JsonProperty("model_id") String modelId,
    String input,
    String selection,
    String protocol,
    @JsonProperty("keep_special") boolean keepSpecial,
    int steps,
    double[] fractions,
    @JsonProperty("ig_steps") int igSteps,
    long seed,
    @JsonProperty("rows_in") long rowsIn,
    List<MethodResult> methods,
    @JsonProperty("forward_ms_per_text") double forwardMsPerText,
    @JsonProperty("perturbed_inputs") long perturbedInputs,
    @JsonProperty("perturbed_inputs_per_second") double perturbedInputsPerSecond,
    @JsonProperty("torch_threads") int torchThreads,
    int partitions,
    @JsonProperty("seconds") double seconds,
    RowErrors errors) {

  public static final String PAPER = "paper: every token, [CLS] and [SEP] included, can be replaced by [UNK]";
  public static final String KEEP_SPECIAL = "keep-special: [CLS] and [SEP] are never replaced; N counts the other tokens";

  /**
   * One method. cost_vs_forward: its explanation time over one forward pass's, same texts and batches, same run.
   * conservation: |f_c - sum_t R_t| / |f_c| over its texts (mean and 95th percentile); only lrp-ah-ln aims at 0.
   */
  public record MethodResult(
      String method,
      long texts,
      Map<String, Long> skipped,
      double auac,
      @JsonProperty("au_mse") double auMse,
      double aupc,
      @JsonProperty("cost_vs_forward") double costVsForward,
      @JsonProperty("conservation_rel_mean") double conservationRelMean,
      @JsonProperty("conservation_rel_p95") double conservationRelP95,
      Map<String, double[]> curves) {}

  /**
   * The statistics an audit's thresholds are written against (the audit's summary contract: name -> value, ci_low,
   * ci_high, p_value, n, description): {@code <method>_auac}, {@code <method>_au_mse}, {@code <method>_aupc} of every
   * method with at least one evaluated text (a method without any has no area and is left out). n is the number of
   * evaluated texts; no interval or p-value is computed, so those are null.
   */
  @JsonProperty("headline")
  public Map<String, Map<String, Object>> headline() {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (MethodResult m : methods) {
      if (m.texts() == 0) {
        continue;
      }
      putAreas(out, m.method(), m.method(), m.auac(), m.auMse(), m.aupc(), m.texts(), m.texts() + " texts, "
          + (keepSpecial ? "keep-special" : "paper") + " protocol");
    }
    return out;
  }

  /**
   * The three headline entries of one evaluated group: prefix_auac, prefix_au_mse, prefix_aupc; what is the group's
   * name in the descriptions, rows the sentence about the rows (n) they average.
   */
  static void putAreas(Map<String, Map<String, Object>> out, String prefix, String what, double auac, double auMse,
      double aupc, long n, String rows) {
    out.put(prefix + "_auac", entry(auac, n, "area under the activation curve of " + what
        + " (higher: more faithful; " + rows + ")"));
    out.put(prefix + "_au_mse", entry(auMse, n, "area under the pruning curve of the logits' squared change, " + what
        + " (lower: more faithful; " + rows + ")"));
    out.put(prefix + "_aupc", entry(aupc, n, "area under the pruning curve of p(gold label), " + what + " ("
        + rows + ")"));
  }

  private static Map<String, Object> entry(double value, long n, String description) {
    return HeadlineEntry.of(value, null, null, null, n, description);
  }

  static final String CSV_HEADER = "method,texts,auac,au_mse,aupc,cost_vs_forward,conservation_rel_mean,"
      + "conservation_rel_p95,keep_special";

  String csv() {
    StringBuilder b = new StringBuilder(CSV_HEADER).append('\n');
    for (MethodResult m : methods) {
      b.append(String.format(Locale.ROOT, "%s,%d,%.6f,%.6f,%.6f,%.3f,%.6g,%.6g,%b%n", m.method(), m.texts(), m.auac(),
          m.auMse(), m.aupc(), m.costVsForward(), m.conservationRelMean(), m.conservationRelP95(), keepSpecial));
    }
    return b.toString();
  }

  /** A fixed-width table for the log and the README. */
  String table() {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-10s %6s %7s %7s %7s %9s %11s %11s%n", "method",
        "texts", "AUAC", "AU-MSE", "AUPC", "cost/fwd", "|gap|/|f| mean", "p95"));
    for (MethodResult m : methods) {
      b.append(String.format(Locale.ROOT, "%-10s %6d %7.4f %7.4f %7.4f %9.2f %11.4f %11.4f%n", m.method(), m.texts(),
          m.auac(), m.auMse(), m.aupc(), m.costVsForward(), m.conservationRelMean(), m.conservationRelP95()));
    }
    return b.toString();
  }
}
