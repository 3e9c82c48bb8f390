package org.lrpaudit.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * The long (one row per audit and item) form of audit records, shared by the Parquet table and audit_history.csv:
 * a {@code headline} row per statistic (value, interval, p-value, n, and the drift against the previous audit) and a
 * {@code check} row per threshold (the value it read, the limit, pass/fail/skipped).
 */
final class HistoryRows {
  static final List<String> COLUMNS = List.of("audit_id", "time", "status", "model_id", "corpus_fingerprint", "section",
      "source", "statistic", "field", "value", "ci_low", "ci_high", "p_value", "n", "previous_audit_id",
      "previous_value", "change", "check", "limit", "result");
  static final List<String> DOUBLES = List.of("value", "ci_low", "ci_high", "p_value", "previous_value", "change",
      "limit");
  static final String N = "n";

  private HistoryRows() {}

  static List<Object[]> of(AuditRecord r) {
    List<Object[]> rows = new ArrayList<>();
    String previousId = r.drift() == null ? null : r.drift().previousAuditId();
    for (Headline h : r.headline().values()) {
      Drift.Change c = r.drift() == null ? null : r.drift().changes().get(h.name());
      rows.add(new Object[] {r.auditId(), r.time(), r.status(), r.modelId(), r.corpusFingerprint(), "headline",
          h.source(), h.name(), null, h.value(), h.ciLow(), h.ciHigh(), h.pValue(), h.n(), previousId,
          c == null ? null : c.previous(), c == null ? null : c.change(), null, null, null});
    }
    for (CheckResult c : r.checks()) {
      Headline h = r.headline().get(c.statistic());
      rows.add(new Object[] {r.auditId(), r.time(), r.status(), r.modelId(), r.corpusFingerprint(), "check",
          h == null ? null : h.source(), c.statistic(), c.field(), c.actual(), c.ciLow(), c.ciHigh(), null, null,
          previousId, null, null, c.check(), c.limit(), c.result()});
    }
    return rows;
  }
}
