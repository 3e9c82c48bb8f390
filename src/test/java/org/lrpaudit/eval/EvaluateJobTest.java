package org.lrpaudit.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.runtime.FaultInjection;

/**
 * The evaluate job on a tiny random model: rows accounted (evaluated + skipped by reason == rows in, per method), the
 * summary's areas equal the trapezoid of the per-text curves averaged here in plain Java, a rerun gives the same
 * answer, and a job that fails leaves the previous output untouched and no new one.
 */
class EvaluateJobTest {
  private static SparkSession spark;
  @TempDir static Path dir;
  private static Path model;

  @BeforeAll
  static void start() throws Exception {
    spark = SparkSession.builder().master("local[2]").appName("lrp-eval-test").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4").getOrCreate();
    model = RandomCheckpoint.write(RandomCheckpoint.spec("bert", 2, 16, 2, 32, false, 31),
        Files.createDirectories(dir.resolve("model")));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Path corpus() throws Exception {
    List<String> vocab = RandomCheckpoint.DEMO_WORDS.stream().filter(w -> !w.startsWith("#") && !w.contains("'")).toList();
    List<String> lines = new ArrayList<>(List.of("id,text,label,split"));
    java.util.Random rnd = new java.util.Random(5);
    for (int i = 0; i < 10; i++) {
      StringBuilder b = new StringBuilder();
      for (int w = 0; w < 3 + i; w++) {
        b.append(w == 0 ? "" : " ").append(vocab.get(rnd.nextInt(vocab.size())));
      }
      lines.add("t" + i + "," + b + "," + (i % 2) + "," + (i < 8 ? "test" : "train"));
    }
    lines.add("nolabel,a good film,,test");
    lines.add("empty,,1,test"); // an empty CSV field reads as null: null_text
    lines.add("badlabel,a film,7,test");
    Path file = dir.resolve("corpus.csv");
    Files.write(file, lines);
    return file;
  }

  private static EvaluateSettings settings(Path input, Path output, boolean overwrite) {
    return new EvaluateSettings(model.toString(), input.toString(), output.toString(), "auto", "id", "text", "label",
        List.of("test"), "split", List.of("lrp-ah-ln", "random", "rollout"), 5, 0, false, 3, 0, 128, 4096, 64, 4, 2,
        overwrite);
  }

  @Test
  void rowsAreAccountedAreasMatchTheTextsAndRerunsAgree() throws Exception {
    Path input = corpus();
    Path out = dir.resolve("eval");
    EvaluationSummary first = new EvaluateJob(spark).run(settings(input, out, false));
    assertEquals(11, first.rowsIn()); // 8 test rows + 3 bad ones; the 2 train rows are not selected
    for (EvaluationSummary.MethodResult m : first.methods()) {
      assertEquals(8, m.texts(), m.method());
      assertEquals(Map.of("bad_label", 1L, "null_text", 1L, "no_label", 1L), m.skipped(), m.method());
    }
    for (String f : List.of("summary.json", "summary.csv", "curves.svg", "curves.png")) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    JsonNode json = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(11, json.get("rows_in").asInt());
    // The audit's headline map: every method's three areas, equal to the summary's table, n = evaluated texts.
    JsonNode headline = json.get("headline");
    assertEquals(3 * first.methods().size(), headline.size());
    for (JsonNode m : json.get("methods")) {
      for (String area : List.of("auac", "au_mse", "aupc")) {
        JsonNode h = headline.get(m.get("method").asText() + "_" + area);
        assertEquals(m.get(area).asDouble(), h.get("value").asDouble(), 0, m.get("method") + " " + area);
        assertEquals(m.get("texts").asLong(), h.get("n").asLong());
        assertTrue(h.get("ci_low").isNull() && h.get("ci_high").isNull() && h.get("p_value").isNull());
        assertTrue(h.get("description").asText().contains(m.get("method").asText()));
      }
    }

    // Areas from the per-text curves, averaged and integrated here.
    Map<String, double[]> sums = new TreeMap<>();
    Map<String, Integer> counts = new TreeMap<>();
    for (Row r : spark.read().parquet(out.resolve("texts").toString()).where("status = 'ok'")
        .select("method", "activation").collectAsList()) {
      List<Object> c = r.getList(1);
      double[] s = sums.computeIfAbsent(r.getString(0), k -> new double[c.size()]);
      for (int k = 0; k < c.size(); k++) {
        s[k] += (Double) c.get(k);
      }
      counts.merge(r.getString(0), 1, Integer::sum);
    }
    for (EvaluationSummary.MethodResult m : first.methods()) {
      double[] mean = sums.get(m.method());
      double area = 0;
      for (int k = 1; k < mean.length; k++) {
        area += (mean[k - 1] + mean[k]) / counts.get(m.method()) / 2 / (mean.length - 1);
      }
      assertEquals(area, m.auac(), 1e-12, m.method());
      assertTrue(m.auMse() >= 0 && m.auac() > 0 && m.auac() < 1);
    }

    EvaluationSummary again = new EvaluateJob(spark).run(settings(input, out, true));
    for (int i = 0; i < first.methods().size(); i++) {
      assertEquals(first.methods().get(i).auac(), again.methods().get(i).auac(), 1e-12);
      assertEquals(first.methods().get(i).auMse(), again.methods().get(i).auMse(), 1e-12);
      assertEquals(first.methods().get(i).aupc(), again.methods().get(i).aupc(), 1e-12);
    }
    assertThrows(IllegalArgumentException.class, () -> new EvaluateJob(spark).run(settings(input, out, false)),
        "an existing output needs --overwrite");
  }

  @Test
  void aFailedJobLeavesNoOutputAndKeepsThePreviousOne() throws Exception {
    Path input = corpus();
    Path out = dir.resolve("eval-fail");
    EvaluationSummary before = new EvaluateJob(spark).run(settings(input, out, false));
    String summary = Files.readString(out.resolve("summary.json"));
    String victim = Files.readAllLines(input).get(5).split(",")[1];
    FaultInjection.failTaskOn(victim);
    try {
      assertThrows(Exception.class, () -> new EvaluateJob(spark).run(settings(input, out, true)));
      assertThrows(Exception.class, () -> new EvaluateJob(spark).run(settings(input, dir.resolve("never"), false)));
    } finally {
      FaultInjection.clear();
    }
    assertEquals(summary, Files.readString(out.resolve("summary.json")));
    assertFalse(Files.exists(dir.resolve("never")));
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().contains("staging")), "staging folder left behind");
    }
    assertEquals(8, before.methods().get(0).texts());
  }
}
