package org.lrpaudit.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One headline statistic of a job summary (bias_summary.json, probe_summary.json, ...): the name it has in the summary's
 * {@code headline} map, the summary it came from, its value, 95% interval, p-value and support. Nullable fields are
 * absent in the summary.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Headline(String source, String name, Double value, Double ciLow, Double ciHigh, Double pValue, Long n,
    String description) {

  /** Reads one entry of a headline map; file names the summary in error messages. */
  static Headline fromJson(String source, String name, JsonNode node, String file) {
    if (node == null || !node.isObject()) {
      throw new AuditException(file + ": headline." + name + " is not an object");
    }
    Double value = number(node, "value", name, file);
    if (value == null) {
      throw new AuditException(file + ": headline." + name + " has no numeric value");
    }
    Double n = number(node, "n", name, file);
    if (n != null && !(Double.isFinite(n) && n == Math.rint(n) && Math.abs(n) <= 1L << 53)) {
      // a count of "NaN" would otherwise become 0 (Double.longValue), and 12.7 would become 12
      throw new AuditException(file + ": headline." + name + ".n is not a whole number: " + node.get("n"));
    }
    JsonNode d = node.get("description");
    return new Headline(source, name, value, number(node, "ci_low", name, file), number(node, "ci_high", name, file),
        number(node, "p_value", name, file), n == null ? null : n.longValue(),
        d == null || d.isNull() ? null : d.asText());
  }

  private static Double number(JsonNode node, String field, String name, String file) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    // Jackson writes NaN and infinities as strings when asked to; take them as what they say.
    if (v.isTextual() && v.asText().matches("NaN|-?Infinity")) {
      return Double.valueOf(v.asText());
    }
    throw new AuditException(file + ": headline." + name + "." + field + " is not a number: " + v);
  }
}
