package org.lrpaudit.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * notebooks/image-explore.ipynb executed with nbconvert: on fixture demo outputs written here (export-json's JSON
 * lines, an error row, evaluate-images' summary.json in both units) with the per-class means worked out in this test, and on the real
 * outputs of jobs/fashion-demo when they exist (skipped with a message otherwise; with
 * LRP_AUDIT_FASHION_DEMO_REQUIRED=true, as .ci/run sets after running the demo, their absence fails).
 */
class ImageNotebookTest {
  static final Path NOTEBOOK = Paths.get("notebooks", "image-explore.ipynb");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void everyNotebookIsRunByATest() throws Exception {
    for (Path nb : Notebooks.all()) {
      String name = nb.getFileName().toString();
      assertTrue(name.startsWith(Notebooks.AUDIT_PREFIX) || name.startsWith(Notebooks.IMAGE_PREFIX),
          name + ": audit-* notebooks run in NotebookTest, image-* here; another name would run in neither");
    }
    assertTrue(Notebooks.all().contains(NOTEBOOK));
  }

  @Test
  void notebookRunsOnFixtureOutputs() throws Exception {
    Notebooks.nbconvert();
    Path demo = dir.resolve("fashion-demo");
    Path json = Files.createDirectories(demo.resolve("image-relevance-json"));
    // id -> predicted class, and per method a 2 x 2 patch grid (row-major)
    String[][] images = {{"a", "Bag"}, {"b", "Bag"}, {"c", "Coat"}};
    double[][][] grids = {
        {{1, -2, 0.5, 0}, {0.1, 0.2, 0.3, 0.4}},
        {{4, 0, 0, -1}, {-1, 1, -1, 1}},
        {{0, 0, 3, 0}, {2, 2, 2, 2}}};
    List<String> methods = List.of("lrp-ah-ln", "gi");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < images.length; i++) {
      for (int m = 0; m < 2; m++) {
        ObjectNode r = JSON.createObjectNode().put("id", "file:/nowhere/" + images[i][0] + ".png").put("status", "ok")
            .put("predicted_label", images[i][1]).put("explained_logit", 5.0 + i).put("run_id", "demo")
            .put("method", methods.get(m));
        ArrayNode patches = r.putArray("patches");
        patches.addObject().put("index", 0).put("row", -1).put("col", -1).put("relevance", 0.5);
        for (int k = 3; k >= 0; k--) { // out of order: placed by row and col
          patches.addObject().put("index", 1 + k).put("row", k / 2).put("col", k % 2).put("relevance", grids[i][m][k]);
        }
        lines.append(JSON.writeValueAsString(r)).append('\n');
      }
    }
    lines.append("{\"id\":\"file:/nowhere/broken.png\",\"status\":\"undecodable_image\",\"error\":\"broken\","
        + "\"run_id\":\"demo\",\"method\":\"gi\"}\n"); // Spark's JSON writer leaves null fields out
    Files.writeString(json.resolve("part-00000-x.json"), lines);
    // evaluate-images' summary.json as the job writes it (pretty-printed), two methods in two units and a third
    // method no image was evaluated in (areas NaN, written as strings by Jackson; the notebook leaves it out).
    Path eval = Files.createDirectories(demo.resolve("image-faithfulness"));
    Files.writeString(eval.resolve("summary.json"), """
        {
          "units" : [ "patch", "pixel" ], "steps" : 3, "fractions" : [ 0.0, 0.5, 1.0 ],
          "methods" : [
            %s, %s, %s, %s,
            { "method" : "ig", "unit" : "patch", "ranking" : "patch-relevance", "images" : 0,
              "skipped" : { "image_too_small" : 3 }, "auac" : "NaN", "au_mse" : "NaN", "aupc" : "NaN", "curves" : { } }
          ]
        }
        """.formatted(summaryEntry("lrp-ah-ln", "patch", 0.6057, 64.9), summaryEntry("gi", "patch", 0.5123, 75.77),
        summaryEntry("lrp-ah-ln", "pixel", 0.4321, 80.5), summaryEntry("gi", "pixel", 0.3987, 90.125)));
    Notebooks.Executed run = Notebooks.execute(NOTEBOOK, Map.of("LRP_AUDIT_FASHION_DEMO", demo.toString()),
        "image-fixtures", dir);
    assertTrue(run.text().contains("rows: 7, ok rows: 6, images: 3, methods: gi, lrp-ah-ln"), run.text());
    for (int m = 0; m < 2; m++) {
      for (String cls : List.of("Bag", "Coat")) {
        double[] mean = new double[4];
        int n = 0;
        for (int i = 0; i < images.length; i++) {
          if (images[i][1].equals(cls)) {
            double max = 0;
            for (double v : grids[i][m]) {
              max = Math.max(max, Math.abs(v));
            }
            for (int k = 0; k < 4; k++) {
              mean[k] += grids[i][m][k] / max;
            }
            n++;
          }
        }
        double sum = 0;
        for (int k = 0; k < 4; k++) {
          mean[k] /= n;
          sum += mean[k];
        }
        String expected = String.format(Locale.ROOT, "mean normalised relevance %s / %s: images %d, top-left patch "
            + "%.4f, top-right patch %.4f, sum %.4f", methods.get(m), cls, n, mean[0], mean[1], sum);
        assertTrue(run.text().contains(expected), expected + " in " + run.text());
      }
    }
    for (String expected : List.of("lrp-ah-ln (patch flipping): AUAC 0.6057, AU-MSE 64.9000 over 3 images",
        "gi (patch flipping): AUAC 0.5123, AU-MSE 75.7700 over 3 images",
        "lrp-ah-ln (pixel flipping): AUAC 0.4321, AU-MSE 80.5000 over 3 images",
        "gi (pixel flipping): AUAC 0.3987, AU-MSE 90.1250 over 3 images")) {
      assertTrue(run.text().contains(expected), expected + " in " + run.text());
    }
    assertFalse(run.text().contains("ig ("), "a method without evaluated images is left out: " + run.text());
    assertEquals(3, run.images(), "the heatmap grid, the class means and the curves (both units in one figure)");
  }

  /** One method and unit of evaluate-images' summary.json, with three-step curves. */
  private static String summaryEntry(String method, String unit, double auac, double auMse) {
    return String.format(Locale.ROOT, "{ \"method\" : \"%s\", \"unit\" : \"%s\", \"ranking\" : \"r\", \"images\" : 3, "
        + "\"skipped\" : { }, \"auac\" : %s, \"au_mse\" : %s, \"aupc\" : 0.5, \"curves\" : { \"activation\" : "
        + "[ 0.1, 0.5, 0.9 ], \"pruning_probability\" : [ 0.9, 0.8, 0.2 ], \"pruning_change\" : [ 0, 0.1, 0.7 ] } }",
        method, unit, auac, auMse);
  }

  @Test
  void notebookRunsOnTheDemoOutputs() throws Exception {
    String data = System.getenv().getOrDefault("LRP_AUDIT_DATA", "data");
    Path demo = Paths.get(data, "fashion-demo").toAbsolutePath();
    Path summary = demo.resolve("image-faithfulness").resolve("summary.json");
    boolean present = Files.isDirectory(demo.resolve("image-relevance-json")) && Files.isRegularFile(summary);
    if (!present) {
      if ("true".equals(System.getenv("LRP_AUDIT_FASHION_DEMO_REQUIRED"))) {
        fail("no image demo outputs in " + demo + ": .ci/run runs jobs/fashion-demo before this test");
      }
      Assumptions.abort("no image demo outputs in " + demo + " (image-relevance-json/, image-faithfulness/summary.json): run "
          + "jobs/fashion-demo, or set LRP_AUDIT_DATA to its data folder, to execute the notebook on them");
    }
    Notebooks.nbconvert();
    Set<String> ids = new HashSet<>();
    int rows = 0;
    List<String> methods = new ArrayList<>();
    try (Stream<Path> files = Files.list(demo.resolve("image-relevance-json"))) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        for (String line : Files.readAllLines(f)) {
          JsonNode r = JSON.readTree(line);
          rows++;
          if (r.path("status").asText().equals("ok")) {
            ids.add(r.get("id").asText());
            if (!methods.contains(r.get("method").asText())) {
              methods.add(r.get("method").asText());
            }
          }
        }
      }
    }
    Notebooks.Executed run = Notebooks.execute(NOTEBOOK, Map.of("LRP_AUDIT_FASHION_DEMO", demo.toString()),
        "image-demo", dir);
    assertTrue(run.text().contains("rows: " + rows + ", "), run.text());
    assertTrue(run.text().contains("images: " + ids.size() + ", methods: " + String.join(", ",
        methods.stream().sorted().toList())), run.text());
    Set<String> units = new HashSet<>();
    for (JsonNode s : JSON.readTree(summary.toFile()).get("methods")) {
      if (s.get("images").asInt() == 0) {
        continue;
      }
      units.add(s.get("unit").asText());
      String expected = String.format(Locale.ROOT, "%s (%s flipping): AUAC %.4f, AU-MSE %.4f over %d images",
          s.get("method").asText(), s.get("unit").asText(), s.get("auac").asDouble(), s.get("au_mse").asDouble(),
          s.get("images").asInt());
      assertTrue(run.text().contains(expected), expected + " in " + run.text());
    }
    assertEquals(Set.of("patch", "pixel"), units, "the demo measures both units");
    assertEquals(3, run.images(), "the heatmap grid, the class means and the curves");
  }
}
