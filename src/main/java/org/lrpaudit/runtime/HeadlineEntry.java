package org.lrpaudit.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of the {@code headline} map a stage writes into its summary (evaluate, annotate, bias, probe): value,
 * ci_low, ci_high, p_value, n, description; null where a stage has no such number. The audit reads it back with
 * audit.Headline.fromJson: this is the contract between the stages and the audit, so it sits below both.
 */
public final class HeadlineEntry {
  private HeadlineEntry() {}

  public static Map<String, Object> of(Double value, Double ciLow, Double ciHigh, Double pValue, long n,
      String description) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("value", value);
    m.put("ci_low", ciLow);
    m.put("ci_high", ciHigh);
    m.put("p_value", pValue);
    m.put("n", n);
    m.put("description", description);
    return m;
  }
}
