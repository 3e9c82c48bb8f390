package org.lrpaudit.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lrpaudit.runtime.RowErrors;

/**
 * What an evaluate-images run found, as written to summary.json (and, one line per method and unit, summary.csv) and
 * printed. Areas as in {@link EvaluationSummary}: AUAC of the mean activation curve (higher: more faithful), AU-MSE of
 * the mean pruning change (lower: more faithful), AUPC of the mean pruning probability.
 */
public record ImageEvaluationSummary(
    String model,
    @JsonProperty("model_id") String modelId,
    String input,
    @JsonProperty("input_format") String inputFormat,
    List<String> units,
    int steps,
    double[] fractions,
    @JsonProperty("ig_steps") int igSteps,
    long seed,
    @JsonProperty("rows_in") long rowsIn,
    List<Result> methods,
    @JsonProperty("images_per_second") double imagesPerSecond,
    @JsonProperty("torch_threads") int torchThreads,
    int partitions,
    double seconds,
    RowErrors errors) {

  /** One method in one unit: ranking names what the units were ranked by ({@link FlipUnit#rankingName}). */
  public record Result(
      String method,
      String unit,
      String ranking,
      long images,
      Map<String, Long> skipped,
      double auac,
      @JsonProperty("au_mse") double auMse,
      double aupc,
      Map<String, double[]> curves) {}

  /**
   * The audit's summary contract (as {@link EvaluationSummary#headline}): {@code <method>_<unit>_auac}, {@code _au_mse}
   * and {@code _aupc} of every method and unit with at least one evaluated image.
   */
  @JsonProperty("headline")
  public Map<String, Map<String, Object>> headline() {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (Result r : methods) {
      if (r.images() > 0) {
        EvaluationSummary.putAreas(out, r.method() + "_" + r.unit(), r.method() + " (" + r.unit() + " flipping)",
            r.auac(), r.auMse(), r.aupc(), r.images(), r.images() + " images");
      }
    }
    return out;
  }

  static final String CSV_HEADER = "method,unit,ranking,images,auac,au_mse,aupc";

  String csv() {
    StringBuilder b = new StringBuilder(CSV_HEADER).append('\n');
    for (Result r : methods) {
      b.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%.6f,%.6f,%.6f%n", r.method(), r.unit(), r.ranking(),
          r.images(), r.auac(), r.auMse(), r.aupc()));
    }
    return b.toString();
  }

  /** A fixed-width table for the log and the docs. */
  String table() {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-10s %-6s %-23s %6s %7s %8s %7s%n", "method",
        "unit", "ranking", "images", "AUAC", "AU-MSE", "AUPC"));
    for (Result r : methods) {
      b.append(String.format(Locale.ROOT, "%-10s %-6s %-23s %6d %7.4f %8.3f %7.4f%n", r.method(), r.unit(),
          r.ranking(), r.images(), r.auac(), r.auMse(), r.aupc()));
    }
    return b.toString();
  }
}
