package org.lrpaudit.audit;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The outcome of one threshold: the value it read (actual; for interval checks ci_low and ci_high) and its result,
 * pass, fail, or skipped (a drift check without a previous audit); reason says why a check failed without a
 * comparison (a value that is not finite, an interval with its ends out of order) or was skipped (null otherwise).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckResult(String check, String statistic, String field, String op, double limit, Double actual,
    Double ciLow, Double ciHigh, String result, String reason) {
  public CheckResult(String check, String statistic, String field, String op, double limit, Double actual,
      Double ciLow, Double ciHigh, String result) {
    this(check, statistic, field, op, limit, actual, ciLow, ciHigh, result, null);
  }

  public static final String PASS = "pass";
  public static final String FAIL = "fail";
  public static final String SKIPPED = "skipped";
}
