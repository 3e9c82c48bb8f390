package org.lrpaudit.bias;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;

/**
 * The statistics lrp-audit computes, by name: the one place to add one. An entry here gets its per-group rows, its
 * bootstrap interval, its gap rows and its p-value from the jobs without further code; docs/jobs.md describes each.
 */
public final class Statistics {
  private Statistics() {}

  /**
   * Per kind and per term, over the ok mentions (columns of MentionSpans.join): means with a Poisson-bootstrap
   * interval; between two kinds the gap of the means with a joint bootstrap interval and a permutation p-value. All are
   * means over mentions, so the first one's denominator is the mention count (occurrences).
   */
  public static final List<Statistic> MENTION = List.of(
      Statistic.mean("mean_relevance", col("span_relevance"), "relevance_gap", Statistic.Test.PERMUTATION),
      Statistic.mean("mean_share", col("share"), "share_gap", Statistic.Test.PERMUTATION)
          .headline("mean relevance share R_span / sum|R|"),
      Statistic.mean("top3_rate", col("top3"), "top3_gap", Statistic.Test.PERMUTATION));

  /**
   * Per kind, over the texts with an ok mention of the kind (columns predicted, label): Fairlearn MetricFrame's
   * metrics by group, with gap, difference (max - min) and ratio (min / max) between two kinds. Accuracy and error rate
   * count only texts with a gold label.
   */
  public static List<Statistic> outcome(int positiveClass) {
    Column labeled = col("label").isNotNull();
    Column correct = labeled.and(col("predicted").equalTo(col("label")));
    return List.of(
        Statistic.rate("prediction_rate", indicator(col("predicted").equalTo(positiveClass)), lit(1.0)),
        Statistic.rate("accuracy", indicator(correct), indicator(labeled)),
        Statistic.rate("error_rate", indicator(labeled.and(correct.unary_$bang())), indicator(labeled)));
  }

  /**
   * Per swap direction, over the ok probe pairs (columns delta_p, delta_share of probe_pairs, each statistic named as
   * its column): mean paired differences with sign-flip p-values. Pooled over both directions (oriented female -> male)
   * each is the male-minus-female gap, named by gapName.
   */
  public static final List<Statistic> PROBE = List.of(
      Statistic.mean("delta_p", col("delta_p"), "p_positive", Statistic.Test.SIGN_FLIP).describedAs("p(positive)"),
      Statistic.mean("delta_share", col("delta_share"), "share", Statistic.Test.SIGN_FLIP)
          .describedAs("the names' relevance share (toward the positive class)"));

  private static Column indicator(Column condition) {
    return when(condition, lit(1.0)).otherwise(lit(0.0));
  }
}
