package org.lrpaudit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.audit.AuditHistory;
import org.lrpaudit.audit.AuditRecord;
import org.lrpaudit.audit.CheckResult;
import org.lrpaudit.audit.Headline;

/**
 * The page generator without a browser: every string that comes from a summary, the corpus or the configuration is
 * escaped, whatever field it sits in; heatmap colours and text placement follow the word offsets.
 */
class DashboardTest {
  static final String EVIL = "<img src=x onerror=alert(1)>\"'&";

  @Test
  void everyStringFromOutsideIsEscaped() {
    Map<String, Headline> headline = new TreeMap<>(Map.of(EVIL, new Headline(EVIL, EVIL, 0.1, 0.0, 0.2, 0.5, 3L, EVIL)));
    AuditRecord audit = new AuditRecord("a1", "2026-11-26T10:00:00Z", AuditRecord.FAIL, 1, EVIL, EVIL, EVIL, EVIL,
        headline, List.of(new CheckResult(EVIL, EVIL, "value", "<=", 0.05, 0.1, null, null, CheckResult.FAIL)), null,
        null, 1.0, null);
    ObjectNode bias = AuditRecord.JSON.createObjectNode();
    bias.putArray("top_terms").addObject().put("kind", EVIL).put("term", EVIL).put("occurrences", 2)
        .put("mean_share", 0.1).put("ci_low", 0.05).put("ci_high", 0.2).put("top3_rate", 0.5);
    bias.putArray("groups").addObject().put("kind", EVIL).put("statistic", EVIL).put("predicted_class", EVIL)
        .put("value", 0.1).put("n", 4);
    ObjectNode probe = AuditRecord.JSON.createObjectNode().put("pairs", 2);
    probe.putObject("headline").putObject(EVIL).put("value", 0.01);
    Heatmap.Example text = new Heatmap.Example(EVIL, "ab " + EVIL, 1, EVIL, EVIL, 1.0,
        List.of(new Heatmap.Word("ab", 0, 2, 1.0), new Heatmap.Word(EVIL, 3, 3 + EVIL.length(), -0.5)), false);
    String html = Dashboard.html(new Dashboard.Inputs(audit, List.of(audit), bias, probe, List.of(text), null));
    assertFalse(html.contains("<img"), "no tag from the data");
    assertFalse(html.contains("onerror=alert(1)>\""), "no raw quote after the payload");
    assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;&quot;'&amp;"));
  }

  @Test
  void heatmapPlacesWordsByOffsetAndColoursBySignedRelevance() {
    Heatmap.Example e = new Heatmap.Example("t", "a <b> c", null, "pos", "pos", 1.0,
        List.of(new Heatmap.Word("a", 0, 1, 2.0), new Heatmap.Word("c", 6, 7, -1.0)), false);
    String html = Heatmap.html(e);
    assertEquals("<div class=\"heatmap\"><span class=\"w\" style=\"background:" + Heatmap.colour(1)
        + ";color:#fff\" title=\"relevance 2\">a</span> &lt;b&gt; <span class=\"w\" style=\"background:"
        + Heatmap.colour(-0.5) + "\" title=\"relevance -1\">c</span></div>", html);
    assertEquals("#b2182b", Heatmap.colour(1));
    assertEquals("#2166ac", Heatmap.colour(-1));
    assertEquals("#f7f7f7", Heatmap.colour(0));
    // halfway between white (247) and red (178, 24, 43), rounded
    assertEquals(String.format("#%02x%02x%02x", Math.round(212.5), Math.round(135.5), Math.round(145.0)),
        Heatmap.colour(0.5));
  }

  @Test
  void withoutRelevanceThePageSaysWhy() {
    AuditRecord audit = new AuditRecord("a1", "2026-11-26T10:00:00Z", AuditRecord.PASS, 0, "m", "m", "c", "f",
        new TreeMap<>(Map.of("g", new Headline("bias", "g", 0.1, null, null, null, null, null))), List.of(), null,
        null, 1.0, null);
    String html = Dashboard.html(new Dashboard.Inputs(audit, List.of(audit), null, null, List.of(),
        "The relevance table /x (run r) cannot be read: gone"));
    assertTrue(html.contains("The relevance table /x (run r) cannot be read: gone"));
    assertTrue(html.contains("The probe stage is not part of this audit."));
  }

  /** A page is replaced only when it is one of ours: a user's index.html in --output is never overwritten. */
  @Test
  void aUsersIndexHtmlIsNeverReplaced(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path page = dir.resolve(DashboardJob.PAGE);
    java.nio.file.Files.writeString(page, "<html><title>my site</title></html>");
    org.lrpaudit.audit.AuditException e = org.junit.jupiter.api.Assertions.assertThrows(
        org.lrpaudit.audit.AuditException.class,
        () -> DashboardJob.write(dir.resolve("no-history"), null, dir, 0, List.of(), () -> null));
    assertTrue(e.getMessage().contains("is not a dashboard lrp-audit wrote"), e.getMessage());
    assertEquals("<html><title>my site</title></html>", java.nio.file.Files.readString(page));
    java.nio.file.Files.writeString(page, "<!DOCTYPE html>\n<html lang=\"en\"><head>" + DashboardJob.TITLE_MARK + "a1</title>");
    DashboardJob.requireOwnPage(page); // ours: may be replaced
  }

  static final String EMOJI = "\uD83D\uDE00";

  /** Issue 14: an emoji where a chart label is shortened (46 UTF-16 units) made the page unwritable. */
  @Test
  void emojiAtTheLabelCutStillGivesAWritablePage(@TempDir Path dir) throws IOException {
    String html = page(dir, "x".repeat(44) + EMOJI + "y", "k", "described here");
    assertTrue(html.contains(">" + "x".repeat(44) + "&hellip;</text>"), "cut before the emoji, not inside it");
    assertTrue(html.contains("g" + EMOJI), "whole emoji pass through");
  }

  /**
   * A lone surrogate in a summary string (JSON allows "\\ud800") could neither be recorded nor shown: the record keeps
   * it (escaped), the page shows U+FFFD.
   */
  @Test
  void loneSurrogatesAreRecordedAndShownAsReplacementCharacters(@TempDir Path dir) throws IOException {
    String html = page(dir, "term", "k\ud800", "described \ud800 here");
    assertTrue(html.contains("k\uFFFD"), "the lone surrogate of the group kind is visible");
    assertTrue(html.contains("described \uFFFD here"));
    assertEquals("described \ud800 here", new AuditHistory(dir.resolve("history")).read().get(0).headline()
        .get("g" + EMOJI).description(), "recorded unchanged");
    String record = Files.readString(dir.resolve("history/records/audit_id=a1.json"), StandardCharsets.UTF_8);
    assertTrue(record.contains("described \\ud800 here") && record.contains("g" + EMOJI), "lone surrogates escaped, "
        + "emoji as they are: " + record);
  }

  /** The page DashboardJob writes for one recorded audit with a bias summary of one term and one group. */
  private static String page(Path dir, String term, String kind, String description) throws IOException {
    ObjectNode bias = AuditRecord.JSON.createObjectNode();
    bias.putArray("top_terms").addObject().put("kind", "k").put("term", term).put("occurrences", 2)
        .put("mean_share", 0.1).put("ci_low", 0.05).put("ci_high", 0.2).put("top3_rate", 0.5);
    bias.putArray("groups").addObject().put("kind", kind).put("statistic", "mean_share")
        .put("predicted_class", "all").put("value", 0.1).put("n", 4);
    Path summary = dir.resolve("bias_summary.json");
    Files.writeString(summary, AuditRecord.toJson(bias)); // a lone surrogate as a \\u escape, as JSON allows
    Headline h = new Headline("bias", "g" + EMOJI, 0.1, 0.0, 0.2, 0.5, 3L, description);
    AuditRecord audit = new AuditRecord("a1", "2026-11-26T10:00:00Z", AuditRecord.PASS, 0, "m", "m", "c", "f",
        new TreeMap<>(Map.of(h.name(), h)), List.of(new CheckResult(h.name() + " <= 1", h.name(), "value", "<=", 1, 0.1,
        null, null, CheckResult.PASS)), null, new AuditRecord.Outputs(Map.of("bias", summary.toString()), Map.of(),
        null), 1.0, null);
    new AuditHistory(dir.resolve("history")).write(audit);
    Path page = DashboardJob.write(dir.resolve("history"), null, dir.resolve("site"), 0, List.of(), () -> {
      throw new AssertionError("no relevance table: no Spark");
    });
    return Files.readString(page, StandardCharsets.UTF_8);
  }

  @Test
  void heatmapOffsetsInsideASurrogatePairFallBackToTheWords() {
    Heatmap.Example e = new Heatmap.Example("t", EMOJI + " ok", null, "pos", "pos", 1.0,
        List.of(new Heatmap.Word(EMOJI, 1, 2, 1.0), new Heatmap.Word("ok", 3, 5, 0.5)), false);
    String html = Heatmap.html(e);
    assertTrue(StandardCharsets.UTF_8.newEncoder().canEncode(html), html);
    assertTrue(html.contains(">" + EMOJI + "</span> "), "the word list, whole: " + html);
  }

  @Test
  void numbersDoNotFollowTheJvmLocale() {
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(Locale.GERMANY);
      assertEquals("1.235e+07", Html.num(12_345_678.0));
      assertEquals("0.1235", Html.num(0.12345));
    } finally {
      Locale.setDefault(before);
    }
  }
}
