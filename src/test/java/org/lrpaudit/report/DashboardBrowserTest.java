package org.lrpaudit.report;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.audit.AuditFixtures;
import org.lrpaudit.audit.AuditFixtures.Run;
import org.lrpaudit.audit.AuditRecord;
import org.lrpaudit.model.TestCheckpoints;

/**
 * An audit whose explain stage really runs (tiny random model, Spark in this JVM) over a corpus holding a
 * {@code <script>} line, a second audit of the same corpus, then the dashboard of the second, opened in headless
 * Chromium: it renders, logs nothing to the console, holds the charts and heatmaps, and shows the script line as
 * text. The screenshot stays in target/dashboard-test/dashboard.png.
 */
class DashboardBrowserTest {
  static final String SCRIPT_LINE = "<script>alert(1)</script>";
  static final Path ARTEFACTS = Paths.get("target", "dashboard-test");
  static final List<String> THRESHOLDS = List.of("female_male_share_gap.abs_value <= 0.05",
      "female_male_share_gap interval includes 0", "female_male_share_gap.p_value >= 0.01",
      "female_to_male_delta_p interval includes 0", "female_male_share_gap.abs_change <= 0.02");

  @TempDir
  Path dir;

  @Test
  void dashboardOfARealAuditRendersInChromium() throws Exception {
    Chromium.binary(); // fail first, with the package to install, when Chromium is missing
    Path model = TestCheckpoints.tinyBert(dir.resolve("model"), 7);
    String modelId = TestCheckpoints.sha256(model.resolve("model.safetensors"));
    Path corpus = dir.resolve("corpus.csv");
    Files.writeString(corpus, "id,text,label\n"
        + "s1,\"mary loved the film, a wonderful story\",1\n"
        + "s2,john hated the boring plot,0\n"
        + "s3,the music was great and the cast charming,1\n"
        + "s4,\"a dull, predictable mess\",0\n"
        + "s5," + SCRIPT_LINE + ",0\n"
        + "s6,\"emma & \"\"james\"\" in paris <b>loved</b> it\",1\n");
    Path history = dir.resolve("history");
    Path conf1 = conf(dir.resolve("d1"), model, modelId, corpus, history, true, "d1", 0.021);
    Run first = AuditFixtures.main("audit", "--conf", conf1.toString(), "--audit-id", "d1");
    assertEquals(0, first.status(), first.err());
    assertTrue(first.out().startsWith("{\n  \"audit_id\" : \"d1\""), "standard output is the record only: "
        + first.out());
    Path conf2 = conf(dir.resolve("d2"), model, modelId, corpus, history, false, "d1", 0.034);
    Run second = AuditFixtures.main("audit", "--conf", conf2.toString(), "--audit-id", "d2");
    assertEquals(1, second.status(), "[0.004, 0.054] does not include 0: " + second.err());

    Path out = ARTEFACTS;
    Run dash = AuditFixtures.main("dashboard", "--history", history.toString(), "--output", out.toString(),
        "--examples", "4", "--example-ids", "s5,s6");
    assertEquals(0, dash.status(), dash.err());
    Path page = out.resolve("index.html");
    assertEquals(page.toAbsolutePath().toString(), dash.out().trim());
    String html = Files.readString(page);
    System.err.printf("dashboard: %,d bytes%n", html.length());

    // The page as written: self-contained, nothing from the corpus unescaped.
    assertFalse(Pattern.compile("<script", Pattern.CASE_INSENSITIVE).matcher(html).find(), "no script element");
    assertTrue(heatmapText(html, "s5").equals("&lt;script&gt;alert(1)&lt;/script&gt;"), "the corpus line is escaped");
    assertTrue(html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"), "a term from a summary is escaped too");
    assertFalse(Pattern.compile("\\s(src|href)\\s*=", Pattern.CASE_INSENSITIVE).matcher(html).find(),
        "no external resource");

    Chromium.Load load = Chromium.load(page);
    assertEquals(List.of(), load.console(), "browser console");
    String dom = load.dom();
    assertFalse(dom.toLowerCase().contains("<script"), "no script element in the DOM");
    assertEquals("&lt;script&gt;alert(1)&lt;/script&gt;", heatmapText(dom, "s5"), "the script line is text");
    assertEquals("emma &amp; \"james\" in paris &lt;b&gt;loved&lt;/b&gt; it", heatmapText(dom, "s6"));
    // 2 trends (the statistics with thresholds; female_name_mean_share has none) + 1 group chart + 1 top-terms chart
    // + 1 probe chart
    assertEquals(5, count(dom, "<svg"), "charts");
    assertEquals(2 * 2, count(dom, "<circle") - 4 - 4 - 1, "two audits per trend chart");
    assertEquals(4, count(dom, "class=\"heatmap\""), "heatmaps: s5, s6 and the most confident others");
    assertTrue(count(dom, "class=\"w\"") >= 15, "coloured words");
    assertTrue(dom.contains("threshold crossed"), "d2 crossed a threshold");

    Path png = out.resolve("dashboard.png");
    Chromium.screenshot(page, png, 1280, 2900);
    assertTrue(Files.size(png) > 50_000, "screenshot written: " + png.toAbsolutePath());

    // The record's model id is the relevance table's; the history's Parquet table reads in Spark.
    SparkSession spark = SparkSession.builder().master("local[1]").appName("dashboard-test")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      JsonNode rec = AuditRecord.JSON.readTree(first.out());
      List<Row> ids = spark.read().parquet(dir.resolve("d1/relevance").toString()).select("model_id").distinct()
          .collectAsList();
      assertEquals(1, ids.size());
      assertEquals(ids.get(0).getString(0), rec.get("model_id").asText());
      long rows = spark.read().parquet(history.resolve("audit_history").toString()).count();
      assertEquals(Files.readAllLines(history.resolve("audit_history.csv")).size() - 1, rows);
      List<Row> audits = spark.read().parquet(history.resolve("audit_history").toString())
          .select(col("audit_id")).distinct().orderBy("audit_id").collectAsList();
      assertEquals(List.of("d1", "d2"), audits.stream().map(r -> r.get(0).toString()).toList());
    } finally {
      spark.stop();
    }
  }

  @Test
  void consoleCheckSeesScriptErrors() throws Exception {
    // The console check above can fail: a script error, and a script blocked by the dashboard's policy, are seen.
    Path bad = dir.resolve("bad.html");
    Files.writeString(bad, "<!DOCTYPE html><html><body><p>x</p><script>notDefined()</script></body></html>");
    assertTrue(Chromium.load(bad).console().stream().anyMatch(l -> l.contains("notDefined")));
    Path blocked = dir.resolve("blocked.html");
    Files.writeString(blocked, "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" "
        + "content=\"default-src 'none'; style-src 'unsafe-inline'\"></head><body><script>alert(1)</script></body>"
        + "</html>");
    assertTrue(Chromium.load(blocked).console().stream().anyMatch(l -> l.contains("Content Security Policy")));
  }

  /** Fixture bias and probe outputs, and the explain stage (run or not) writing the relevance table of d1. */
  private Path conf(Path where, Path model, String modelId, Path corpus, Path history, boolean explain,
      String relevanceRun, double gap) throws IOException {
    Path relevance = dir.resolve("d1/relevance");
    String extra = "audit.stages = [explain, bias, probe]\n"
        + "audit.stage.explain { command = explain, run = " + explain + ", args { model = ${audit.model}, "
        + "input = ${audit.corpus}, output = " + AuditFixtures.q(relevance) + ", methods = ${audit.method}, "
        + "run-id = ${audit.id}, overwrite = true, max-length = 64, partitions = 1, master = \"local[1]\" } }\n"
        + "audit.relevance { path = " + AuditFixtures.q(relevance) + ", run-id = " + relevanceRun
        + ", method = ${audit.method} }\n";
    return AuditFixtures.conf(where, model, modelId, corpus, history, gap, 0.004, THRESHOLDS, extra);
  }

  /** The text of an example's heatmap: its word spans taken away, what is left is (escaped) text. */
  private static String heatmapText(String html, String id) {
    Matcher m = Pattern.compile("<code>" + id + "</code>.*?<div class=\"heatmap\">(.*?)</div>").matcher(html);
    assertTrue(m.find(), "heatmap of " + id);
    return m.group(1).replaceAll("<span class=\"w\"[^>]*>", "").replace("</span>", "").replace("&quot;", "\"");
  }

  private static int count(String s, String what) {
    Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
