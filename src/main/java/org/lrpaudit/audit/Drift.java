package org.lrpaudit.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The change of every headline statistic against the previous audit of the same corpus (same corpus fingerprint):
 * the latest other audit id recorded before this one. Statistics new in this audit, or gone from it, have no change.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Drift(String previousAuditId, String previousTime, String previousModelId, Map<String, Change> changes) {
  /** current - previous, per statistic. */
  public record Change(double previous, double current, double change) {}

  /** The audit this one is compared with, if any: same corpus, another id, recorded at or before {@code time}. */
  static Optional<AuditRecord> previous(List<AuditRecord> history, String auditId, String corpusFingerprint,
      Instant time) {
    return history.stream()
        .filter(r -> r.corpusFingerprint().equals(corpusFingerprint) && !r.auditId().equals(auditId))
        .filter(r -> !r.instant().isAfter(time))
        .max(AuditRecord.BY_TIME);
  }

  static Drift between(AuditRecord previous, Map<String, Headline> current) {
    Map<String, Change> changes = new TreeMap<>();
    for (var e : current.entrySet()) {
      Headline before = previous.headline().get(e.getKey());
      if (before != null && before.value() != null) {
        double now = e.getValue().value();
        changes.put(e.getKey(), new Change(before.value(), now, now - before.value()));
      }
    }
    return new Drift(previous.auditId(), previous.time(), previous.modelId(), changes);
  }

  /** statistic -> previous value, for drift checks. */
  Map<String, Double> previousValues() {
    Map<String, Double> out = new TreeMap<>();
    changes.forEach((k, v) -> out.put(k, v.previous()));
    return out;
  }
}
