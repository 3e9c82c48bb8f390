package org.lrpaudit.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
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

  /**
   * snake_case JSON, keys of maps sorted, pretty; unknown fields ignored so older readers take newer records. UTF-16
   * surrogates are written as \\u escapes: a summary may hold a lone one (JSON "\\ud800" is legal), which has no UTF-8
   * form, and the record must still be written, unchanged.
   */
  public static final ObjectMapper JSON = JsonMapper.builder(new JsonFactoryBuilder()
          .characterEscapes(new SurrogateEscapes()).build())
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  /** Standard JSON escapes, plus every UTF-16 surrogate as a backslash-u escape (pairs as two, as JSON allows). */
  private static final class SurrogateEscapes extends CharacterEscapes {
    private final int[] ascii = standardAsciiEscapesForJSON();

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return Character.isSurrogate((char) ch) ? new SerializedString(String.format("\\u%04x", ch)) : null;
    }
  }
}
