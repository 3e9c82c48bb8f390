package org.lrpaudit.bias;

import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Column;

/**
 * One named statistic: sum(numerator) / sum(denominator) over the rows of a group (a mean when the denominator is 1 per
 * row, a rate when both are 0/1 indicators). The bootstrap resamples documents, so the sums are taken per document
 * first. How the statistic is compared between two groups (the gap's name and its p-value) is part of its definition,
 * so a job never decides it by the statistic's position. The lists live in {@link Statistics}.
 *
 * @param name the statistic column of bias_stats / probe_stats, e.g. mean_share
 * @param numerator per row, summed per group
 * @param denominator per row, summed per group
 * @param gapName the statistic of group_gap rows comparing two kinds (e.g. share_gap); null: no gap rows
 * @param test how a p-value is computed for it
 * @param headline the audit's headline statistic: its mean per kind is a summary headline, and its gap is one within
 *     every predicted class too (every gap is one over all texts)
 * @param description what the summary's headline says it is
 */
public record Statistic(String name, Column numerator, Column denominator, String gapName, Test test,
    boolean headline, String description) {

  /** How a statistic's p-value is computed. */
  public enum Test {
    /** Two kinds, the difference of their means: units relabelled between the groups (see BiasStatistics). */
    PERMUTATION,
    /** One group of paired differences, its mean: signs flipped (see the probe). */
    SIGN_FLIP,
    /** No test; bootstrap intervals only (and Fairlearn gap, difference and ratio between groups). */
    NONE
  }

  /** A mean over rows of value: sum(value) / number of rows. */
  public static Statistic mean(String name, Column value, String gapName, Test test) {
    return new Statistic(name, value, lit(1.0), gapName, test, false, name.replace('_', ' '));
  }

  /** A rate: sum(numerator) / sum(denominator), no test. */
  public static Statistic rate(String name, Column numerator, Column denominator) {
    return new Statistic(name, numerator, denominator, null, Test.NONE, false, name.replace('_', ' '));
  }

  /** The same statistic, described so in the summary's headlines. */
  public Statistic describedAs(String text) {
    return new Statistic(name, numerator, denominator, gapName, test, headline, text);
  }

  /** The same statistic as the audit's headline, described so. */
  public Statistic headline(String description) {
    return new Statistic(name, numerator, denominator, gapName, test, true, description);
  }
}
