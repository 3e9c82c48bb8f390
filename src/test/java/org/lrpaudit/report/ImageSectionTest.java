package org.lrpaudit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.audit.AuditException;

/**
 * The dashboard's image section without Spark or a browser: every heatmap picture in the page decodes back to the
 * patch relevance it was given (through the inverse of the colour scale, in row-major patch order on a grid that is
 * not square), the original decodes back to the image, strings are escaped, the patch-flipping scores are shown and a
 * malformed faithfulness line or summary entry is refused naming it; evaluate-images' summary is read from its folder
 * or the file itself.
 */
class ImageSectionTest {
  @TempDir
  Path dir;

  static final String EVIL = DashboardTest.EVIL;

  @Test
  void heatmapsDecodeBackToTheGivenPatchRelevance() throws Exception {
    Random rnd = new Random(16);
    int rows = 3;
    int cols = 5;
    List<ImageExample> examples = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Map<String, ImageExample.Patches> methods = new LinkedHashMap<>();
      for (String m : ImageChoice.DEFAULT_METHODS) {
        double[] rel = new double[rows * cols];
        for (int k = 0; k < rel.length; k++) {
          rel[k] = rnd.nextGaussian() * (i + 1);
        }
        methods.put(m, new ImageExample.Patches(rel, rnd.nextGaussian()));
      }
      BufferedImage original = new BufferedImage(10, 6, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 6; y++) {
        for (int x = 0; x < 10; x++) {
          original.setRGB(x, y, rnd.nextInt(0x1000000));
        }
      }
      examples.add(new ImageExample(i == 0 ? EVIL : "img-" + i, i, EVIL, "class " + i, 3.5 + i, rows, cols, methods,
          original));
    }
    List<FlippingScores.Score> scores = List.of(new FlippingScores.Score("lrp-ah-ln", "patch", 200, 0.7123, 0.0456),
        new FlippingScores.Score("gi", "patch", 200, 0.5987, 0.0789),
        new FlippingScores.Score("lrp-ah-ln", "pixel", 199, 0.6543, 0.0321),
        new FlippingScores.Score("random", "patch", 200, 0.25, 9.5));
    String html = Dashboard.html(new Dashboard.Inputs(null, List.of(), null, null, List.of(), null,
        new ImageSection.Inputs("table", ImageChoice.DEFAULT_METHODS, examples, scores, null)));

    List<PagePictures.Picture> pictures = PagePictures.pictures(html);
    assertEquals(3 * 3, pictures.size(), "per image: the original and two heatmaps");
    for (int i = 0; i < examples.size(); i++) {
      ImageExample e = examples.get(i);
      PagePictures.Picture image = pictures.get(3 * i);
      assertEquals("image", image.kind());
      BufferedImage o = e.original();
      for (int y = 0; y < image.height(); y++) { // nearest pixel: each page pixel is the original pixel under it
        for (int x = 0; x < image.width(); x++) {
          assertEquals(o.getRGB(x * o.getWidth() / image.width(), y * o.getHeight() / image.height()) & 0xffffff,
              image.image().getRGB(x, y) & 0xffffff, "original at " + x + "," + y);
        }
      }
      for (int m = 0; m < 2; m++) {
        PagePictures.Picture p = pictures.get(3 * i + 1 + m);
        String method = ImageChoice.DEFAULT_METHODS.get(m);
        assertEquals(method, p.kind());
        assertEquals(p.width(), p.image().getWidth(), "declared width");
        assertTrue(Math.max(p.width(), p.height()) >= ImageSection.SIDE, "at least " + ImageSection.SIDE + " px");
        double[] stored = e.methods().get(method).relevance();
        double max = java.util.Arrays.stream(stored).map(Math::abs).max().orElseThrow();
        PagePictures.assertSameRelevance(stored, PagePictures.cells(p.image(), rows, cols, max),
            e.id() + " " + method);
      }
    }
    assertFalse(html.contains("<img src=x"), "the id is escaped");
    assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;&quot;'&amp;"));
    assertTrue(html.contains("<th>method</th><th>patch AUAC</th><th>patch AU-MSE</th><th>pixel AUAC</th>"
        + "<th>pixel AU-MSE</th>"), "one column pair per unit, in the order the units come");
    assertTrue(html.contains("<tr><td>LRP(AH+LN)</td><td class=\"num\">0.7123 (200)</td><td class=\"num\">0.0456</td>"
        + "<td class=\"num\">0.6543 (199)</td><td class=\"num\">0.0321</td></tr>"), "a method in both units");
    assertTrue(html.contains("<tr><td>GI</td><td class=\"num\">0.5987 (200)</td><td class=\"num\">0.0789</td>"
        + "<td class=\"muted\" colspan=\"2\">not measured</td></tr>"), "a unit a method lacks is said");
    assertTrue(html.contains("img-src data:"), "the page's policy lets its own pictures load");
  }

  @Test
  void allZeroRelevanceIsWhiteAndAMissingMethodIsSaid() throws Exception {
    ImageExample e = new ImageExample("z", null, "p", "p", 1.0, 2, 2,
        Map.of("lrp-ah-ln", new ImageExample.Patches(new double[4], 0)), null);
    String html = Dashboard.html(new Dashboard.Inputs(null, List.of(), null, null, List.of(), null,
        new ImageSection.Inputs("t", ImageChoice.DEFAULT_METHODS, List.of(e), null, null)));
    List<PagePictures.Picture> pictures = PagePictures.pictures(html);
    assertEquals(1, pictures.size(), "no original (the id names no file), one heatmap");
    assertEquals(0xf7f7f7, pictures.get(0).image().getRGB(0, 0) & 0xffffff);
    assertTrue(html.contains("no GI row"));
    assertFalse(html.contains("Patch flipping"), "no faithfulness file, no table");
  }

  @Test
  void evaluateImagesSummaryIsReadFromTheFolderOrTheFile() throws Exception {
    // The shape evaluate-images writes (ImageEvaluationSummary, pretty-printed), with fields the dashboard ignores.
    Path folder = Files.createDirectories(dir.resolve("image-eval"));
    Files.writeString(folder.resolve("summary.json"), """
        {
          "model" : "m", "units" : [ "patch", "pixel" ], "steps" : 3, "rows_in" : 5,
          "methods" : [ {
            "method" : "lrp-ah-ln", "unit" : "patch", "ranking" : "patch-relevance", "images" : 5,
            "skipped" : { }, "auac" : 0.75, "au_mse" : 1.5, "aupc" : 0.5, "curves" : { "activation" : [ 0.1, 0.9 ] }
          }, {
            "method" : "gi", "unit" : "pixel", "ranking" : "pixel-gradient-x-input", "images" : 4,
            "skipped" : { "image_too_small" : 1 }, "auac" : 0.625, "au_mse" : 2.25, "aupc" : 0.375, "curves" : { }
          } ],
          "headline" : { }
        }
        """);
    List<FlippingScores.Score> expected = List.of(new FlippingScores.Score("lrp-ah-ln", "patch", 5, 0.75, 1.5),
        new FlippingScores.Score("gi", "pixel", 4, 0.625, 2.25));
    assertEquals(expected, FlippingScores.read(folder));
    assertEquals(expected, FlippingScores.read(folder.resolve("summary.json")));
    Path noUnit = dir.resolve("no-unit.json");
    Files.writeString(noUnit, "{\"methods\":[{\"method\":\"gi\",\"images\":1,\"auac\":0.5,\"au_mse\":0.25}]}");
    assertTrue(assertThrows(AuditException.class, () -> FlippingScores.read(noUnit)).getMessage()
        .contains("no-unit.json methods[0] has no unit"));
    Path noAuac = dir.resolve("no-auac.json");
    Files.writeString(noAuac, "{\"methods\":[{\"method\":\"gi\",\"unit\":\"patch\",\"images\":1,\"au_mse\":0.25}]}");
    assertTrue(assertThrows(AuditException.class, () -> FlippingScores.read(noAuac)).getMessage()
        .contains("no-auac.json methods[0] is not a flipping score"));
    AuditException none = assertThrows(AuditException.class,
        () -> FlippingScores.read(Files.createDirectories(dir.resolve("not-an-eval"))));
    assertTrue(none.getMessage().contains("not-an-eval/summary.json"), none.getMessage());
  }

  @Test
  void evaluateIdxLinesAreReadAndBadLinesAreNamed() throws Exception {
    Path good = dir.resolve("f.jsonl");
    Files.writeString(good, "{\"method\":\"gi\",\"images\":200,\"auac\":0.5,\"au_mse\":0.25,\"activation\":[1,0]}\n\n"
        + "{\"method\":\"gi\",\"unit\":\"pixel\",\"images\":200,\"auac\":0.375,\"au_mse\":0.125}\n");
    assertEquals(List.of(new FlippingScores.Score("gi", "patch", 200, 0.5, 0.25),
        new FlippingScores.Score("gi", "pixel", 200, 0.375, 0.125)), FlippingScores.read(good),
        "a line without unit is patch flipping, evaluate-idx's only unit before --unit");
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "{\"method\":\"gi\",\"images\":200,\"auac\":0.5,\"au_mse\":0.25}\n{\"method\":\"gi\"}\n");
    AuditException e = assertThrows(AuditException.class, () -> FlippingScores.read(bad));
    assertTrue(e.getMessage().contains("bad.jsonl line 2"), e.getMessage());
    Path notJson = dir.resolve("x.jsonl");
    Files.writeString(notJson, "auac 0.5\n");
    assertTrue(assertThrows(AuditException.class, () -> FlippingScores.read(notJson)).getMessage()
        .contains("line 1 is not JSON"));
    Path empty = dir.resolve("empty.jsonl");
    Files.writeString(empty, "");
    assertTrue(assertThrows(AuditException.class, () -> FlippingScores.read(empty)).getMessage().contains("no scores"));
  }
}
