package org.lrpaudit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.audit.AuditFixtures;
import org.lrpaudit.audit.AuditFixtures.Run;
import org.lrpaudit.explainjob.ImageTable;

/**
 * The image side of the dashboard through cli.Main, on an image relevance table with explain-images' schema and
 * layout (run_id / method folders) written by the test with known patch relevance (patches stored out of order, an
 * error row, a second run), over PNG files the test draws: the heatmaps in the page and in heatmap-grid's figure
 * decode back to the table's relevance, the chosen images are the ones asked for and then the most confident, the
 * page loads its pictures in headless Chromium (naturalWidth > 0 under the page's own policy, no console message),
 * and export-json gives the table's rows back as JSON lines. Bad settings and files exit 2 and write nothing.
 */
class ImageDashboardBrowserTest {
  static final int ROWS = 4;
  static final int COLS = 4;
  static final List<String> METHODS = List.of("lrp-ah-ln", "gi");

  @TempDir
  static Path dir;

  static SparkSession spark;
  static Path table;
  /** id -> method -> patch relevance, row-major, as the table holds it. */
  static final Map<String, Map<String, double[]>> RELEVANCE = new LinkedHashMap<>();
  static final List<String> IDS = new ArrayList<>();

  @BeforeAll
  static void writeTable() throws Exception {
    spark = SparkSession.builder().master("local[1]").appName("image-dashboard-test")
        .config("spark.ui.enabled", "false").getOrCreate();
    Random rnd = new Random(7);
    Path images = Files.createDirectories(dir.resolve("images"));
    // predicted class and explained logit per image: b (Bag) is the most confident Bag, s (Shirt) the only Shirt
    String[][] rowsOf = {{"a", "Bag", "4.0"}, {"b", "Bag", "9.0"}, {"c", "Coat", "3.0"}, {"s", "Shirt", "5.0"}};
    List<Row> rows = new ArrayList<>();
    for (String[] r : rowsOf) {
      Path png = images.resolve(r[0] + ".png");
      BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          img.getRaster().setSample(x, y, 0, rnd.nextInt(256));
        }
      }
      ImageIO.write(img, "png", png.toFile());
      String id = png.toUri().toString(); // file:/... as Spark's binaryFile source names files
      IDS.add(id);
      for (String m : METHODS) {
        double[] rel = new double[ROWS * COLS];
        List<Row> patches = new ArrayList<>();
        patches.add(RowFactory.create(0, -1, -1, rnd.nextGaussian()));
        for (int k = 0; k < rel.length; k++) {
          rel[k] = rnd.nextGaussian();
          patches.add(RowFactory.create(1 + k, k / COLS, k % COLS, rel[k]));
        }
        Collections.shuffle(patches, rnd); // placed by row and col, not by list order
        RELEVANCE.computeIfAbsent(id, k -> new LinkedHashMap<>()).put(m, rel);
        rows.add(RowFactory.create(id, null, "ok", null, "model", 1, r[1], 1, r[1], Double.parseDouble(r[2]),
            List.of(1f, 2f), patches, 0.0, 0.0, 28, 28, "r1", m));
      }
    }
    for (String m : METHODS) {
      rows.add(RowFactory.create("file:/broken.png", null, "undecodable_image", "broken.png: not an image", "model",
          null, null, null, null, null, null, null, null, null, null, null, "r1", m));
    }
    rows.add(RowFactory.create(IDS.get(0), null, "ok", null, "model", 1, "Bag", 1, "Bag", 1.0, List.of(1f),
        List.of(RowFactory.create(1, 0, 0, 1.0)), 1.0, 0.0, 28, 28, "r2", "lrp-ah-ln"));
    table = dir.resolve("image-relevance");
    spark.createDataFrame(rows, ImageTable.SCHEMA).write().partitionBy("run_id", "method").parquet(table.toString());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void pageShowsTheTablesRelevanceAndLoadsItsPicturesInChromium() throws Exception {
    Chromium.binary();
    // An evaluate-images output folder as the job leaves it (summary.json's methods: one entry per method and unit).
    Path faithfulness = Files.createDirectories(dir.resolve("image-eval"));
    Files.writeString(faithfulness.resolve("summary.json"), "{\"units\":[\"patch\",\"pixel\"],\"methods\":["
        + "{\"method\":\"lrp-ah-ln\",\"unit\":\"patch\",\"images\":4,\"auac\":0.8125,\"au_mse\":0.03,\"aupc\":0.5},"
        + "{\"method\":\"gi\",\"unit\":\"patch\",\"images\":4,\"auac\":0.6875,\"au_mse\":0.05,\"aupc\":0.5},"
        + "{\"method\":\"lrp-ah-ln\",\"unit\":\"pixel\",\"images\":4,\"auac\":0.5625,\"au_mse\":0.07,\"aupc\":0.5},"
        + "{\"method\":\"gi\",\"unit\":\"pixel\",\"images\":4,\"auac\":0.4375,\"au_mse\":0.09,\"aupc\":0.5}]}");
    Path out = Paths.ARTEFACTS;
    Run dash = AuditFixtures.main("dashboard", "--image-relevance", table.toString(), "--image-run-id", "r1",
        "--images", "3", "--image-ids", IDS.get(2) + ",file:/not-in-the-table.png", "--image-faithfulness",
        faithfulness.toString(), "--output", out.toString());
    assertEquals(0, dash.status(), dash.err());
    Path page = out.resolve("index.html");
    String html = Files.readString(page);

    // c asked for first; then the most confident of each predicted class in turn: b (Bag, 9.0), s (Shirt, 5.0)
    List<String> shown = new ArrayList<>();
    Matcher ids = Pattern.compile("<div class=\"example image-example\"><div class=\"meta\"><code>([^<]*)</code>")
        .matcher(html);
    while (ids.find()) {
      shown.add(ids.group(1));
    }
    assertEquals(List.of(IDS.get(2), IDS.get(1), IDS.get(3)), shown);
    List<PagePictures.Picture> pictures = PagePictures.pictures(html);
    assertEquals(3 * 3, pictures.size());
    for (int i = 0; i < shown.size(); i++) {
      assertEquals("image", pictures.get(3 * i).kind(), "the original, read from the file the id names");
      assertGray(pictures.get(3 * i).image(), ImageIO.read(new java.net.URI(shown.get(i)).toURL()));
      for (int m = 0; m < METHODS.size(); m++) {
        double[] stored = RELEVANCE.get(shown.get(i)).get(METHODS.get(m));
        PagePictures.Picture p = pictures.get(3 * i + 1 + m);
        assertEquals(METHODS.get(m), p.kind());
        PagePictures.assertSameRelevance(stored, PagePictures.cells(p.image(), ROWS, COLS, maxAbs(stored)),
            shown.get(i) + " " + METHODS.get(m));
      }
    }
    assertTrue(html.contains("<tr><td>GI</td><td class=\"num\">0.6875 (4)</td><td class=\"num\">0.05</td>"
        + "<td class=\"num\">0.4375 (4)</td><td class=\"num\">0.09</td></tr>"), "faithfulness, method x unit");
    assertFalse(html.contains("broken.png"), "error rows are not shown");

    Chromium.Load load = Chromium.load(page);
    assertEquals(List.of(), load.console(), "browser console (a picture the policy blocks is logged)");
    // The same page with a script that reports each picture's decoded width; the policy is the page's own plus
    // inline scripts, so a picture the page's policy blocks would report 0.
    String probe = html.replace("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';")
        .replace("</body>", "<script>window.addEventListener('load', () => { const p = document.createElement('pre');"
            + " p.id = 'widths'; p.textContent = Array.from(document.images).map(i => i.naturalWidth + 'x' "
            + "+ i.naturalHeight).join(' '); document.body.appendChild(p); });</script></body>");
    assertTrue(probe.contains("script-src 'unsafe-inline'; img-src data:;"), "the page's policy, kept");
    Path probePage = out.resolve("probe.html");
    Files.writeString(probePage, probe);
    Matcher widths = Pattern.compile("<pre id=\"widths\">([^<]*)</pre>").matcher(Chromium.load(probePage).dom());
    assertTrue(widths.find(), "the probe script ran");
    List<String> sizes = List.of(widths.group(1).split(" "));
    assertEquals(9, sizes.size(), widths.group(1));
    for (int i = 0; i < sizes.size(); i++) {
      assertEquals(pictures.get(i).width() + "x" + pictures.get(i).height(), sizes.get(i), "picture " + i + " loaded");
    }
    Files.delete(probePage);
    Path png = out.resolve("dashboard-images.png");
    Chromium.screenshot(page, png, 1200, 1300);
    assertTrue(Files.size(png) > 20_000, "screenshot: " + png.toAbsolutePath());
  }

  @Test
  void heatmapGridDecodesBackToTheTable() throws Exception {
    Path png = dir.resolve("grid.png");
    Run grid = AuditFixtures.main("heatmap-grid", "--image-relevance", table.toString(), "--image-run-id", "r1",
        "--images", "2", "--side", "40", "--output", png.toString());
    assertEquals(0, grid.status(), grid.err());
    BufferedImage img = ImageIO.read(png.toFile());
    int side = 40; // 4 patches of 10 pixels
    int gap = 4;
    assertEquals(2 * side + gap, img.getWidth(), "two images");
    assertEquals(3 * side + 2 * gap, img.getHeight(), "image, LRP(AH+LN), GI");
    List<String> shown = List.of(IDS.get(1), IDS.get(2)); // the most confident Bag (b, 9.0), then Coat (c)
    for (int i = 0; i < 2; i++) {
      assertGray(img.getSubimage(i * (side + gap), 0, side, side), ImageIO.read(new java.net.URI(shown.get(i))
          .toURL()));
      for (int m = 0; m < 2; m++) {
        double[] stored = RELEVANCE.get(shown.get(i)).get(METHODS.get(m));
        BufferedImage panel = img.getSubimage(i * (side + gap), (m + 1) * (side + gap), side, side);
        PagePictures.assertSameRelevance(stored, PagePictures.cells(panel, ROWS, COLS, maxAbs(stored)),
            "grid " + shown.get(i) + " " + METHODS.get(m));
      }
    }
  }

  @Test
  void exportJsonGivesTheRunsRowsAsJsonLines() throws Exception {
    Path out = dir.resolve("json");
    Run export = AuditFixtures.main("export-json", "--input", table.toString(), "--run-id", "r1", "--output",
        out.toString());
    assertEquals(0, export.status(), export.err());
    assertEquals("10", export.out().trim(), "4 images x 2 methods + 2 error rows");
    List<JsonNode> rows = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (Stream<Path> files = Files.list(out)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        for (String line : Files.readAllLines(f)) {
          rows.add(json.readTree(line));
        }
      }
    }
    assertEquals(10, rows.size());
    for (JsonNode r : rows) {
      assertEquals("r1", r.get("run_id").asText());
      if (r.get("status").asText().equals("ok")) {
        double[] stored = RELEVANCE.get(r.get("id").asText()).get(r.get("method").asText());
        double[] read = new double[stored.length];
        for (JsonNode p : r.get("patches")) {
          if (p.get("row").asInt() >= 0) {
            read[p.get("row").asInt() * COLS + p.get("col").asInt()] = p.get("relevance").asDouble();
          }
        }
        assertTrue(java.util.Arrays.equals(stored, read), r.get("id") + " " + r.get("method"));
      }
    }
    // A rerun replaces the folder Spark wrote; a folder with other files is refused and left as it was.
    assertEquals(0, AuditFixtures.main("export-json", "--input", table.toString(), "--output", out.toString())
        .status());
    Path foreign = Files.createDirectories(dir.resolve("mine"));
    Files.writeString(foreign.resolve("notes.txt"), "mine");
    Run refused = AuditFixtures.main("export-json", "--input", table.toString(), "--output", foreign.toString());
    assertEquals(2, refused.status());
    assertTrue(refused.err().contains("notes.txt"), refused.err());
    assertEquals("mine", Files.readString(foreign.resolve("notes.txt")));
  }

  @Test
  void badSettingsExit2AndWriteNothing() throws Exception {
    Path out = dir.resolve("bad");
    Run twoRuns = AuditFixtures.main("dashboard", "--image-relevance", table.toString(), "--output", out.toString());
    assertEquals(2, twoRuns.status());
    assertTrue(twoRuns.err().contains("2 runs [r1, r2]") && twoRuns.err().contains("--image-run-id"), twoRuns.err());
    Run nothing = AuditFixtures.main("dashboard", "--output", out.toString());
    assertEquals(2, nothing.status());
    assertTrue(nothing.err().contains("--history") && nothing.err().contains("--image-relevance"), nothing.err());
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "{\"method\":\"gi\"}\n");
    Run badFile = AuditFixtures.main("dashboard", "--image-relevance", table.toString(), "--image-run-id", "r1",
        "--image-faithfulness", bad.toString(), "--output", out.toString());
    assertEquals(2, badFile.status());
    assertTrue(badFile.err().contains("bad.jsonl line 1"), badFile.err());
    Run noMethod = AuditFixtures.main("dashboard", "--image-relevance", table.toString(), "--image-run-id", "r1",
        "--image-methods", "ig", "--output", out.toString());
    assertEquals(2, noMethod.status());
    assertTrue(noMethod.err().contains("it has [") , noMethod.err());
    Run missing = AuditFixtures.main("heatmap-grid", "--image-relevance", dir.resolve("absent").toString(),
        "--output", dir.resolve("g.png").toString());
    assertEquals(2, missing.status());
    assertTrue(missing.err().contains("absent"), missing.err());
    assertFalse(Files.exists(out.resolve("index.html")));
    assertFalse(Files.exists(dir.resolve("g.png")));
  }

  /** The page's original panel shows the file's gray levels, each page pixel the file's pixel under it. */
  private static void assertGray(BufferedImage shown, BufferedImage file) {
    for (int y = 0; y < shown.getHeight(); y++) {
      for (int x = 0; x < shown.getWidth(); x++) {
        int g = file.getRaster().getSample(x * file.getWidth() / shown.getWidth(),
            y * file.getHeight() / shown.getHeight(), 0);
        int rgb = shown.getRGB(x, y);
        assertEquals(g, rgb & 0xff, 1, "gray level at " + x + "," + y);
        assertEquals(g, (rgb >> 16) & 0xff, 1, "gray level at " + x + "," + y);
      }
    }
  }

  private static double maxAbs(double[] v) {
    return java.util.Arrays.stream(v).map(Math::abs).max().orElseThrow();
  }

  /** Where the page and its screenshot stay for a look. */
  static final class Paths {
    static final Path ARTEFACTS = java.nio.file.Paths.get("target", "dashboard-test", "images");
  }
}
