package org.lrpaudit.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lrpaudit.audit.AuditRecord;
import org.lrpaudit.audit.CheckResult;
import org.lrpaudit.audit.Drift;
import org.lrpaudit.audit.Headline;

/**
 * The static bias dashboard of one audit: one self-contained HTML page, no script at all and a Content-Security-Policy
 * that forbids scripts and every external resource, so it opens from a file and nothing from the corpus can run.
 * Sections: the checks, the trend of every headline statistic over the audits of the same corpus with its thresholds,
 * per-group relevance share with intervals and the top terms (the bias stage's summary), the probe results (the probe
 * stage's summary), and example texts as token heatmaps.
 */
public final class Dashboard {
  static final String BIAS = "bias";
  static final String PROBE = "probe";

  private Dashboard() {}

  /**
   * What the page shows: the audit, the audits of its corpus up to it (oldest first), summaries (null: absent), the
   * example texts, and why there are none (null when there is no reason to give); images: the image explanations
   * (null: no image relevance table given). Without an audit (null) the page is the image section alone.
   */
  public record Inputs(AuditRecord audit, List<AuditRecord> trend, JsonNode bias, JsonNode probe,
      List<Heatmap.Example> examples, String examplesNote, ImageSection.Inputs images) {
    public Inputs(AuditRecord audit, List<AuditRecord> trend, JsonNode bias, JsonNode probe,
        List<Heatmap.Example> examples, String examplesNote) {
      this(audit, trend, bias, probe, examples, examplesNote, null);
    }
  }

  /** The page title of an image-only dashboard (no audit). */
  static final String IMAGES_TITLE = "image explanations";

  public static String html(Inputs in) {
    AuditRecord a = in.audit();
    StringBuilder s = new StringBuilder();
    // img-src data: only, for the image section's pictures, which are inside the page
    s.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
            + "style-src 'unsafe-inline'\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>lrp-audit dashboard: ").append(Html.text(a == null ? IMAGES_TITLE : a.auditId()))
        .append("</title><style>").append(CSS).append("</style></head><body><main>");
    if (a == null) {
      s.append("<header><h1>lrp-audit dashboard</h1></header>");
    } else {
      header(s, a);
      checks(s, a);
      trends(s, in);
      headlineTable(s, a);
      groups(s, in.bias());
      topTerms(s, in.bias());
      probe(s, in.probe());
      examples(s, in.examples(), in.examplesNote());
    }
    if (in.images() != null) {
      ImageSection.html(s, in.images());
    }
    s.append("<footer>Written by <code>lrp-audit dashboard</code>").append(a == null ? "" : " from the audit history")
        .append("; relevance is conservative "
        + "LRP (Ali et al., ICML 2022). Intervals are 95%.</footer></main></body></html>\n");
    return s.toString();
  }

  private static void header(StringBuilder s, AuditRecord a) {
    boolean pass = a.status().equals(AuditRecord.PASS);
    s.append("<header><h1>Bias audit <code>").append(Html.text(a.auditId())).append("</code> <span class=\"badge ")
        .append(pass ? "pass" : "fail").append("\">").append(pass ? "all checks pass" : "threshold crossed")
        .append("</span></h1><dl>")
        .append(dt("time", a.time()))
        .append(dt("model", a.model() + " (model id " + shortId(a.modelId()) + ")"))
        .append(dt("corpus", a.corpus() + " (fingerprint " + shortId(a.corpusFingerprint()) + ")"))
        .append(dt("compared with", a.drift() == null ? "no earlier audit of this corpus"
            : a.drift().previousAuditId() + " (" + a.drift().previousTime() + ")"))
        .append("</dl></header>");
  }

  private static void checks(StringBuilder s, AuditRecord a) {
    s.append("<section><h2>Threshold checks</h2>");
    if (a.checks().isEmpty()) {
      s.append("<p class=\"muted\">No thresholds are configured.</p></section>");
      return;
    }
    s.append("<table><thead><tr><th>check</th><th>read</th><th>result</th></tr></thead><tbody>");
    for (CheckResult c : a.checks()) {
      String read = c.ciLow() != null ? "[" + Html.num(c.ciLow()) + ", " + Html.num(c.ciHigh()) + "]"
          : c.actual() != null ? Html.num(c.actual()) : "no previous audit";
      s.append("<tr><td><code>").append(Html.text(c.check())).append("</code></td><td class=\"num\">").append(read)
          .append("</td><td><span class=\"badge ").append(Html.text(c.result())).append("\">")
          .append(Html.text(c.result())).append("</span>");
      if (c.reason() != null && c.result().equals(CheckResult.FAIL)) {
        s.append(" <span class=\"muted\">").append(Html.text(c.reason())).append("</span>");
      }
      s.append("</td></tr>");
    }
    s.append("</tbody></table></section>");
  }

  /** Group statistics drawn, in this order. */
  private static final List<String> GROUP_CHARTS = List.of("mean_share", "mean_relevance", "top3_rate");

  private static void trends(StringBuilder s, Inputs in) {
    // A chart per statistic that a threshold watches, in the order of the checks; the bias job reports dozens of
    // headline statistics, and all of them are in the table of this audit below.
    Set<String> watched = new LinkedHashSet<>();
    in.audit().checks().forEach(c -> watched.add(c.statistic()));
    watched.retainAll(in.audit().headline().keySet());
    s.append("<section><h2>Headline statistics over time</h2><p class=\"muted\">The ").append(watched.size())
        .append(" statistics with thresholds (all ").append(in.audit().headline().size())
        .append(" headline statistics are in the table below), audits of this corpus oldest first "
        + "(dot: value, whisker: 95% interval; green: this statistic's checks passed in that audit, red: one failed). "
        + "Dashed lines: thresholds of this audit on the value.</p><div class=\"grid\">");
    for (String name : watched) {
      Headline h = in.audit().headline().get(name);
      List<Svg.Point> points = new ArrayList<>();
      for (AuditRecord r : in.trend()) {
        Headline v = r.headline().get(h.name());
        if (v != null && v.value() != null && Double.isFinite(v.value())) {
          points.add(new Svg.Point(r.auditId(), v.value(), v.ciLow(), v.ciHigh(), pointColour(r, h.name())));
        }
      }
      List<Svg.Line> lines = new ArrayList<>();
      List<String> other = new ArrayList<>();
      for (CheckResult c : in.audit().checks()) {
        if (c.statistic().equals(h.name())) {
          thresholdLines(c, lines, other);
        }
      }
      s.append("<figure><figcaption><code>").append(Html.text(h.name())).append("</code> <span class=\"muted\">(")
          .append(Html.text(h.source())).append(")</span>");
      if (h.description() != null) {
        s.append("<br><span class=\"muted\">").append(Html.text(h.description())).append("</span>");
      }
      s.append("</figcaption>");
      if (points.isEmpty()) {
        s.append("<p class=\"muted\">no finite values</p>");
      } else {
        s.append(Svg.trend(points, lines, h.name()));
      }
      if (!other.isEmpty()) {
        s.append("<p class=\"muted\">other checks: ").append(Html.text(String.join("; ", other))).append("</p>");
      }
      s.append("</figure>");
    }
    s.append("</div></section>");
  }

  /** Lines a check draws on the value's scale; checks on other quantities are listed instead. */
  private static void thresholdLines(CheckResult c, List<Svg.Line> lines, List<String> other) {
    String label = c.op() + " " + Html.num(c.limit());
    switch (c.field()) {
      case "value", "ci_low", "ci_high" -> lines.add(new Svg.Line(c.limit(), c.field() + " " + label, Svg.FAIL));
      case "abs_value" -> {
        lines.add(new Svg.Line(c.limit(), "|value| " + label, Svg.FAIL));
        lines.add(new Svg.Line(-c.limit(), "", Svg.FAIL));
      }
      case "interval" -> lines.add(new Svg.Line(c.limit(), "interval " + label, "#57606a"));
      default -> other.add(c.check() + " (" + c.result() + ")");
    }
  }

  private static String pointColour(AuditRecord r, String statistic) {
    List<CheckResult> mine = r.checks().stream().filter(c -> c.statistic().equals(statistic)).toList();
    if (mine.isEmpty()) {
      return Svg.NEUTRAL;
    }
    return mine.stream().anyMatch(c -> c.result().equals(CheckResult.FAIL)) ? Svg.FAIL : Svg.PASS;
  }

  private static void headlineTable(StringBuilder s, AuditRecord a) {
    s.append("<section><h2>Headline statistics of this audit</h2><table><thead><tr><th>statistic</th><th>stage</th>"
        + "<th>value</th><th>95% interval</th><th>p-value</th><th>n</th><th>change</th></tr></thead><tbody>");
    for (Headline h : a.headline().values()) {
      Drift.Change c = a.drift() == null ? null : a.drift().changes().get(h.name());
      s.append("<tr><td><code>").append(Html.text(h.name())).append("</code></td><td>").append(Html.text(h.source()))
          .append("</td><td class=\"num\">").append(Html.num(h.value())).append("</td><td class=\"num\">")
          .append(h.ciLow() == null ? "" : "[" + Html.num(h.ciLow()) + ", " + Html.num(h.ciHigh()) + "]")
          .append("</td><td class=\"num\">").append(h.pValue() == null ? "" : Html.num(h.pValue()))
          .append("</td><td class=\"num\">").append(h.n() == null ? "" : h.n().toString())
          .append("</td><td class=\"num\">").append(c == null ? "" : (c.change() >= 0 ? "+" : "") + Html.num(c.change()))
          .append("</td></tr>");
    }
    s.append("</tbody></table></section>");
  }

  private static void groups(StringBuilder s, JsonNode bias) {
    s.append("<section><h2>Relevance by group</h2>");
    if (bias == null || !bias.path("groups").isArray() || bias.path("groups").isEmpty()) {
      s.append("<p class=\"muted\">No group statistics in this audit (no bias stage summary).</p></section>");
      return;
    }
    Map<String, List<Svg.Interval>> byStatistic = new LinkedHashMap<>();
    Map<String, String> colours = new LinkedHashMap<>();
    for (JsonNode g : bias.path("groups")) {
      String kind = g.path("kind").asText();
      String cls = g.path("predicted_class").asText("all");
      byStatistic.computeIfAbsent(g.path("statistic").asText(), k -> new ArrayList<>())
          .add(new Svg.Interval(kind + " \u00b7 predicted " + cls, colour(colours, kind), g.path("value").asDouble(),
              optional(g, "ci_low"), optional(g, "ci_high"), interval(g)));
    }
    // The relevance statistics, share first; counts (occurrences, documents) are the n beside each bar.
    for (String statistic : GROUP_CHARTS) {
      List<Svg.Interval> rows = byStatistic.get(statistic);
      if (rows != null) {
        s.append("<figure><figcaption><code>").append(Html.text(statistic)).append("</code> by kind and predicted "
            + "class</figcaption>").append(Svg.intervals(rows, statistic, false)).append("</figure>");
      }
    }
    s.append("</section>");
  }

  private static void topTerms(StringBuilder s, JsonNode bias) {
    s.append("<section><h2>Top terms by relevance share</h2>");
    if (bias == null || !bias.path("top_terms").isArray() || bias.path("top_terms").isEmpty()) {
      s.append("<p class=\"muted\">No term statistics in this audit (no bias stage summary).</p></section>");
      return;
    }
    List<JsonNode> terms = new ArrayList<>();
    bias.path("top_terms").forEach(terms::add);
    terms.sort(Comparator.comparingDouble((JsonNode t) -> -t.path("mean_share").asDouble())
        .thenComparing(t -> t.path("term").asText()));
    Map<String, String> colours = new LinkedHashMap<>();
    List<Svg.Interval> rows = new ArrayList<>();
    for (JsonNode t : terms.subList(0, Math.min(20, terms.size()))) {
      String kind = t.path("kind").asText();
      rows.add(new Svg.Interval(t.path("term").asText() + " (" + kind + ")", colour(colours, kind),
          t.path("mean_share").asDouble(), optional(t, "ci_low"), optional(t, "ci_high"),
          t.path("occurrences").asLong() + " occurrences, top-3 " + Html.num(optional(t, "top3_rate"))));
    }
    s.append("<figure><figcaption>mean relevance share of a term's mentions (R<sub>span</sub> / "
        + "&Sigma;<sub>t</sub>|R<sub>t</sub>|), the 20 largest</figcaption>")
        .append(Svg.intervals(rows, "mean share", true)).append("</figure></section>");
  }

  private static void probe(StringBuilder s, JsonNode probe) {
    s.append("<section><h2>Counterfactual name swaps (probe)</h2>");
    if (probe == null || !probe.path("headline").isObject()) {
      s.append("<p class=\"muted\">The probe stage is not part of this audit.</p></section>");
      return;
    }
    List<Svg.Interval> rows = new ArrayList<>();
    Map<String, String> colours = new LinkedHashMap<>();
    probe.path("headline").fields().forEachRemaining(e -> rows.add(new Svg.Interval(e.getKey(),
        colour(colours, e.getKey()), e.getValue().path("value").asDouble(), optional(e.getValue(), "ci_low"),
        optional(e.getValue(), "ci_high"), interval(e.getValue()))));
    s.append("<p>").append(probe.path("pairs").asLong()).append(" swapped pairs.</p><figure><figcaption>probe "
        + "headline statistics</figcaption>").append(Svg.intervals(rows, "value", false)).append("</figure></section>");
  }

  private static void examples(StringBuilder s, List<Heatmap.Example> examples, String note) {
    s.append("<section><h2>Example texts</h2>");
    if (examples.isEmpty()) {
      s.append("<p class=\"muted\">").append(Html.text(note != null ? note
          : "No explained rows in this audit's relevance table.")).append("</p></section>");
      return;
    }
    s.append(Heatmap.legend());
    for (Heatmap.Example e : examples) {
      s.append("<div class=\"example\"><div class=\"meta\"><code>").append(Html.text(e.id())).append("</code> predicted ")
          .append(Html.text(e.predictedLabel())).append(", explained ").append(Html.text(e.explainedLabel()))
          .append(" (logit ").append(Html.num(e.explainedLogit())).append(")")
          .append(e.label() == null ? "" : ", gold label " + e.label()).append(e.truncated() ? ", truncated" : "")
          .append("</div>").append(Heatmap.html(e)).append("</div>");
    }
    s.append("</section>");
  }

  private static String interval(JsonNode g) {
    String out = Html.num(g.path("value").asDouble());
    if (optional(g, "ci_low") != null) {
      out += " [" + Html.num(optional(g, "ci_low")) + ", " + Html.num(optional(g, "ci_high")) + "]";
    }
    if (optional(g, "p_value") != null) {
      out += " p=" + Html.num(optional(g, "p_value"));
    }
    if (g.hasNonNull("n")) {
      out += " n=" + g.path("n").asLong();
    }
    return out;
  }

  private static Double optional(JsonNode n, String field) {
    return n.hasNonNull(field) && n.get(field).isNumber() ? n.get(field).asDouble() : null;
  }

  private static String colour(Map<String, String> colours, String key) {
    return colours.computeIfAbsent(key, k -> Svg.PALETTE[colours.size() % Svg.PALETTE.length]);
  }

  private static String dt(String term, String value) {
    return "<dt>" + Html.text(term) + "</dt><dd>" + Html.text(value) + "</dd>";
  }

  private static String shortId(String sha) {
    return sha == null ? "n/a" : sha.substring(0, Math.min(12, sha.length()));
  }

  private static final String CSS = String.join("",
      "body{margin:0;background:#fff;color:#1f2328;font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif}",
      "main{max-width:1100px;margin:0 auto;padding:24px}",
      "h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;",
      "padding-bottom:4px}code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace}",
      "dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}dt{color:#57606a}dd{margin:0;",
      "word-break:break-all}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;",
      "border-bottom:1px solid #eaeef2;vertical-align:top}td.num{font-variant-numeric:tabular-nums;white-space:nowrap}",
      ".badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;",
      "background:#57606a;vertical-align:middle}.badge.pass{background:#1a7f37}.badge.fail{background:#cf222e}",
      ".badge.skipped{background:#8c959f}.muted{color:#57606a;font-size:12.5px}",
      ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:16px}",
      "figure{margin:0 0 12px}figcaption{margin-bottom:4px}svg.chart{display:block;max-width:100%;height:auto}",
      ".example{margin:10px 0;padding:8px 10px;border:1px solid #eaeef2;border-radius:6px}",
      ".meta{color:#57606a;font-size:12.5px;margin-bottom:4px}.heatmap{font-size:16px;line-height:2;",
      "white-space:pre-wrap;word-break:break-word}.w{padding:2px 1px;border-radius:3px}",
      ".legend{display:flex;align-items:center;gap:8px;font-size:12.5px;color:#57606a;flex-wrap:wrap}",
      ".legend .bar{display:inline-block;width:220px;height:12px;border:1px solid #d0d7de}",
      ".images{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:8px}",
      ".panels{display:flex;gap:8px;flex-wrap:wrap}.panel{margin:0;text-align:center;font-size:12.5px}",
      "img.patches{display:block;image-rendering:pixelated;border:1px solid #d0d7de}",
      "footer{margin-top:32px;color:#57606a;font-size:12px}");
}
