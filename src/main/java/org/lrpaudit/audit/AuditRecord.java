package org.lrpaudit.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One audit in audit_history (README "The audit record"): who was audited on what, every headline statistic, every
 * threshold check with its result, the drift against the previous audit of the same corpus, the resolved configuration,
 * and where the stage outputs are (for the dashboard). status is pass or fail; exit_code 0 or 1.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditRecord(String auditId, String time, String status, int exitCode, String modelId, String model,
    String corpus, String corpusFingerprint, Map<String, Headline> headline, List<CheckResult> checks, Drift drift,
    Outputs outputs, double durationSeconds, JsonNode config) {

  public static final String PASS = "pass";
  /** Oldest first: by the instant (ISO strings of different precision do not sort as text), then by id. */
  public static final Comparator<AuditRecord> BY_TIME =
      Comparator.comparing(AuditRecord::instant).thenComparing(AuditRecord::auditId);

  public static final String FAIL = "fail";

  @JsonIgnore
  public Instant instant() {
    return Instant.parse(time);
  }

  /** Stage outputs: stage name -> summary JSON and aggregated CSV, and the relevance table of the audit. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Outputs(Map<String, String> summaries, Map<String, String> statsCsv,
      AuditConf.RelevanceOutput relevance) {}

  /** snake_case JSON, keys of maps sorted, pretty; unknown fields ignored so older readers take newer records. */
  public static final ObjectMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  /**
   * value as JSON text (JSON above) that can be written as UTF-8: an unpaired UTF-16 surrogate, which a summary may
   * hold (JSON "\\ud800" is legal) and which has no UTF-8 form, is written as its backslash-u escape, so the record
   * is still written, and reads back unchanged. Paired surrogates (emoji) stay as they are.
   */
  public static String toJson(Object value) throws com.fasterxml.jackson.core.JsonProcessingException {
    String text = JSON.writeValueAsString(value);
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        if (out != null) {
          out.append(c).append(text.charAt(i + 1));
        }
        i++;
      } else if (Character.isSurrogate(c)) { // only inside a JSON string, where an escape means the same char
        if (out == null) {
          out = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        out.append(String.format("\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }
}
