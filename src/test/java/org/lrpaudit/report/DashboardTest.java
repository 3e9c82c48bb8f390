package org.lrpaudit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
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
}
