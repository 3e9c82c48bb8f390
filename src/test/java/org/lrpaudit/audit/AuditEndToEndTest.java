package org.lrpaudit.audit;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.audit.AuditFixtures.Run;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.model.TestCheckpoints;

/**
 * Issue #7's acceptance, end to end with the real jobs: the shipped conf/audit.conf (included, with small settings and
 * a generated corpus on top) runs explain, annotate (Spark NLP, lexicons written here), bias, probe and evaluate through
 * cli.Main in this JVM on one Spark session; a second audit with another model of the same vocabulary crosses a
 * threshold on the evaluate stage's headline; a rerun of an id replaces its record; then the dashboard and the notebooks
 * run on that history. Checked against independent computations: the mentions are exactly the planted spans, the share
 * gap recomputed in plain Java from the relevance table's words and the planted spans, drift the difference of the two
 * summaries' values, every headline entry equal to its summary's.
 */
class AuditEndToEndTest {
  static final List<String> FEMALE = List.of("anna", "lucy", "kate", "julia", "emma", "sarah", "mary", "olivia");
  static final List<String> MALE = List.of("david", "peter", "paul", "james", "john", "michael", "oliver", "thomas");
  static final List<String> COUNTRIES = List.of("spain", "italy", "japan", "france");
  static final List<String> CITIES = List.of("paris", "london", "oslo", "madrid");
  static final List<String> ORGS = List.of("google", "acme", "globex", "initech");
  static final List<String> FILLER = List.of("the", "movie", "film", "was", "story", "and", "it", "this", "with",
      "watched", "made", "feel", "really", "music", "cast");
  static final List<String> SENTIMENT = List.of("good", "great", "wonderful", "bad", "boring", "dull");
  /** Kinds of the planted slot of text i (i % 8); the last kind, none, plants nothing. */
  static final List<String> KINDS = List.of("female_name", "male_name", "female_name", "male_name", "country", "city",
      "organization", "none");
  static final int TEXTS = 96;
  static final int EVALUATED = 12;

  @TempDir
  static Path dir;
  static SparkSession spark;
  static Path corpus;
  static Path data;
  /** The planted mentions: "id start end kind". */
  static Set<String> planted = new TreeSet<>();

  @BeforeAll
  static void setUp() throws IOException {
    spark = SparkSession.builder().master("local[2]").appName("audit-e2e").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    corpus = corpus(dir.resolve("corpus.csv"));
    data = dir.resolve("data");
    Path lex = Files.createDirectories(data.resolve("lexicons"));
    write(lex.resolve("female_first_names.txt"), FEMALE);
    write(lex.resolve("male_first_names.txt"), MALE);
    write(lex.resolve("ambiguous_first_names.txt"), List.of("sam", "alex"));
    write(lex.resolve("countries.txt"), COUNTRIES);
    write(lex.resolve("cities.txt"), CITIES);
    write(lex.resolve("organizations.txt"), ORGS);
    List<String> words = new ArrayList<>(FILLER);
    words.addAll(SENTIMENT);
    write(lex.resolve("english_words.txt"), words);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** A random BERT whose vocabulary covers every word of the corpus (whole-word tokens). */
  static Path model(String name, long seed) throws IOException {
    List<String> words = new ArrayList<>(RandomCheckpoint.DEMO_WORDS);
    for (List<String> l : List.of(FEMALE, MALE, COUNTRIES, CITIES, ORGS, FILLER, SENTIMENT)) {
      l.stream().filter(w -> !words.contains(w)).forEach(words::add);
    }
    return RandomCheckpoint.write(new RandomCheckpoint.Spec("bert", 1, 32, 4, 64, 128, 2, "gelu", false, seed, words),
        dir.resolve(name));
  }

  /** TEXTS short sentences, one planted entity in 7 of 8 (names capitalised in every other one), labels 0/1. */
  static Path corpus(Path file) throws IOException {
    Random r = new Random(17);
    List<String> lines = new ArrayList<>(List.of("id,text,label"));
    Map<String, List<String>> values = Map.of("female_name", FEMALE, "male_name", MALE, "country", COUNTRIES,
        "city", CITIES, "organization", ORGS);
    for (int i = 0; i < TEXTS; i++) {
      List<String> words = new ArrayList<>();
      for (int k = 0; k < 2 + r.nextInt(4); k++) {
        words.add(FILLER.get(r.nextInt(FILLER.size())));
      }
      words.add(r.nextInt(words.size() + 1), SENTIMENT.get(r.nextInt(SENTIMENT.size())));
      String kind = KINDS.get(i % KINDS.size());
      String id = "e" + i;
      if (!kind.equals("none")) {
        String value = values.get(kind).get(r.nextInt(values.get(kind).size()));
        if (i % 2 == 1) {
          value = Character.toUpperCase(value.charAt(0)) + value.substring(1);
        }
        int at = r.nextInt(words.size() + 1);
        words.add(at, value);
        int start = at == 0 ? 0 : String.join(" ", words.subList(0, at)).length() + 1;
        planted.add(id + " " + start + " " + (start + value.length()) + " " + kind);
      }
      lines.add(id + "," + String.join(" ", words) + "," + r.nextInt(2));
    }
    return Files.write(file, lines);
  }

  private static void write(Path file, List<String> terms) throws IOException {
    Files.writeString(file, "# written by AuditEndToEndTest\n" + String.join("\n", terms) + "\n");
  }

  /** An audit.conf including the shipped conf/audit.conf, with this test's model, corpus, data and small settings. */
  static Path conf(String name, Path model, List<String> thresholds) throws IOException {
    List<String> quoted = thresholds.stream().map(AuditFixtures::q).toList();
    String text = "include file(" + AuditFixtures.q(Paths.get("conf", "audit.conf").toAbsolutePath()) + ")\n"
        + "audit {\n"
        + "  root = " + AuditFixtures.q(dir.resolve("audits")) + "\n"
        + "  model = " + AuditFixtures.q(model) + "\n"
        + "  corpus = " + AuditFixtures.q(corpus) + "\n"
        + "  stages = [explain, annotate, bias, probe, evaluate]\n"
        + "  stage.explain.args { max-length = 64 }\n"
        + "  stage.annotate.args { data = " + AuditFixtures.q(data) + " }\n"
        + "  stage.bias.args { replicates = 200, permutations = 200 }\n"
        + "  stage.probe.args { replicates = 200, permutations = 200, max-length = 64 }\n"
        + "  stage.evaluate.args { limit = " + EVALUATED + ", steps = 5, max-length = 64 }\n"
        + "  thresholds = [" + String.join(", ", quoted) + "]\n"
        + "}\n";
    return Files.writeString(dir.resolve(name + ".conf"), text);
  }

  static Run audit(Path conf, String id) {
    return AuditFixtures.main("audit", "--conf", conf.toString(), "--audit-id", id);
  }

  static Path work(String id) {
    return dir.resolve("audits/runs/" + id);
  }

  static JsonNode json(Path file) throws IOException {
    return AuditRecord.JSON.readTree(file.toFile());
  }

  @Test
  void realStagesAuditTwiceThenDashboardAndNotebooks() throws Exception {
    Path modelA = model("model-a", 1);
    Path modelB = model("model-b", 2);
    List<String> passing = List.of("female_male_share_gap.abs_value <= 1", "female_to_male_delta_p.abs_value <= 1",
        "lrp-ah-ln_auac >= 0", "female_male_share_gap.abs_change <= 2");
    long t0 = System.nanoTime();
    Run first = audit(conf("e1", modelA, passing), "e1");
    System.err.printf("audit e1: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertEquals(0, first.status(), first.err());
    JsonNode rec1 = AuditRecord.JSON.readTree(first.out());
    assertEquals("pass", rec1.get("status").asText());
    assertNull(rec1.get("drift"), "the first audit of the corpus has no drift");
    assertEquals(TestCheckpoints.sha256(modelA.resolve("model.safetensors")), rec1.get("model_id").asText());
    assertEquals("skipped", rec1.at("/checks/3/result").asText());
    checkStageOutputs("e1", rec1);

    // The next release of the model: same corpus, so drift is computed; the second threshold set is crossed on
    // the evaluate stage's headline (an area under a curve of probabilities is at most 1).
    List<String> crossed = new ArrayList<>(passing);
    crossed.add("lrp-ah-ln_auac > 1");
    Path conf2 = conf("e2", modelB, crossed);
    t0 = System.nanoTime();
    Run second = audit(conf2, "e2");
    System.err.printf("audit e2: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertEquals(1, second.status(), second.err());
    JsonNode rec2 = AuditRecord.JSON.readTree(second.out());
    assertEquals("fail", rec2.get("status").asText());
    assertEquals("fail", rec2.at("/checks/4/result").asText());
    assertEquals("lrp-ah-ln_auac", rec2.at("/checks/4/statistic").asText());
    assertTrue(second.err().contains("FAIL  lrp-ah-ln_auac > 1"), second.err());
    assertEquals("pass", rec2.at("/checks/3/result").asText(), "drift check computed and passed");
    checkStageOutputs("e2", rec2);
    assertEquals("e1", rec2.at("/drift/previous_audit_id").asText());
    assertEquals(rec1.get("model_id").asText(), rec2.at("/drift/previous_model_id").asText());
    JsonNode bias1 = json(work("e1").resolve("bias/bias_summary.json"));
    JsonNode bias2 = json(work("e2").resolve("bias/bias_summary.json"));
    JsonNode probe1 = json(work("e1").resolve("probe/probe_summary.json"));
    JsonNode probe2 = json(work("e2").resolve("probe/probe_summary.json"));
    assertEquals(bias2.at("/headline/female_male_share_gap/value").asDouble()
        - bias1.at("/headline/female_male_share_gap/value").asDouble(),
        rec2.at("/drift/changes/female_male_share_gap/change").asDouble(), 1e-15);
    assertEquals(probe2.at("/headline/female_to_male_delta_p/value").asDouble()
        - probe1.at("/headline/female_to_male_delta_p/value").asDouble(),
        rec2.at("/drift/changes/female_to_male_delta_p/change").asDouble(), 1e-15);

    // A rerun of e2 runs every stage again over its outputs and replaces its record: same statistics, two records.
    t0 = System.nanoTime();
    Run again = audit(conf2, "e2");
    System.err.printf("audit e2 again: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertEquals(1, again.status(), again.err());
    JsonNode rec3 = AuditRecord.JSON.readTree(again.out());
    Path history = dir.resolve("audits/history");
    assertEquals(2, new AuditHistory(history).read().size());
    assertEquals(List.of("e1", "e2"), partitions(history.resolve("audit_history")));
    for (Iterator<Map.Entry<String, JsonNode>> it = rec2.get("headline").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      assertEquals(e.getValue().get("value").asDouble(), rec3.at("/headline/" + e.getKey() + "/value").asDouble(),
          1e-12, e.getKey());
    }
    assertEquals(rec2.get("headline").size(), rec3.get("headline").size());
    assertEquals("e1", rec3.at("/drift/previous_audit_id").asText(), "a rerun is not its own previous audit");

    // The dashboard of that history, and the notebooks on it.
    Path page = Paths.get("target", "audit-e2e-dashboard");
    Run dash = AuditFixtures.main("dashboard", "--history", history.toString(), "--output", page.toString(),
        "--examples", "4");
    assertEquals(0, dash.status(), dash.err());
    String html = Files.readString(page.resolve("index.html"));
    for (String s : List.of("e2", "female_male_share_gap", "female_to_male_delta_p", "lrp-ah-ln_auac",
        "threshold crossed")) {
      assertTrue(html.contains(s), "dashboard shows " + s);
    }
    assertEquals(4, html.split("class=\"heatmap\"", -1).length - 1, "heatmaps from the real relevance table");
    assertTrue(spark.sparkContext().isStopped() == false, "the stages and the dashboard left the test's session up");

    Notebooks.Executed explore = Notebooks.executeAll(history, "e2e", dir).get("audit-explore.ipynb");
    assertTrue(explore.text().contains("audits: 2"), explore.text());
    assertTrue(explore.text().contains("latest audit: e2 (fail)"), explore.text());
    assertTrue(explore.text().contains("swapped pairs: " + probe2.get("pairs").asLong()), explore.text());
    assertTrue(explore.images() >= 2, "trend and top-term plots: " + explore.images());
  }

  /**
   * One audit's stage outputs against the corpus and the record: rows accounted in every stage, mentions exactly the
   * planted spans, the share gap recomputed from the relevance table, every headline entry equal to its summary's.
   */
  private void checkStageOutputs(String id, JsonNode rec) throws IOException {
    Path work = work(id);
    JsonNode annotate = json(work.resolve("annotate/annotate_summary.json"));
    assertEquals(TEXTS, annotate.get("rowsRead").asLong());
    assertEquals(TEXTS, annotate.get("rowsAnnotated").asLong());
    Set<String> found = new TreeSet<>();
    for (Row r : spark.read().parquet(work.resolve("annotate/mentions").toString())
        .select("id", "start", "end", "kind").collectAsList()) {
      found.add(r.getString(0) + " " + r.getInt(1) + " " + r.getInt(2) + " " + r.getString(3));
    }
    assertEquals(planted, found, "the mentions are the planted entities");

    List<Row> relevance = spark.read().parquet(work.resolve("relevance").toString())
        .where(col("run_id").equalTo(id)).select("id", "status", "words", "method").collectAsList();
    assertEquals(TEXTS, relevance.size(), "one relevance row per corpus row");
    assertTrue(relevance.stream().allMatch(r -> r.getString(1).equals("ok") && r.getString(3).equals("lrp-ah-ln")));

    // female_male_share_gap: mean share of female mentions minus male ones, share = relevance of the words
    // overlapping the span over the sum of |relevance| of all the text's words, from the planted spans.
    Map<String, List<Row>> words = new TreeMap<>();
    relevance.forEach(r -> words.put(r.getString(0), r.getList(2)));
    Map<String, double[]> shares = new TreeMap<>(); // kind -> {sum, count}
    for (String m : planted) {
      String[] f = m.split(" ");
      int start = Integer.parseInt(f[1]);
      int end = Integer.parseInt(f[2]);
      double span = 0;
      double total = 0;
      for (Row w : words.get(f[0])) {
        double rel = w.getDouble(w.fieldIndex("relevance"));
        total += Math.abs(rel);
        if (w.<Integer>getAs("start") < end && w.<Integer>getAs("end") > start) {
          span += rel;
        }
      }
      double[] s = shares.computeIfAbsent(f[3], k -> new double[2]);
      s[0] += span / total;
      s[1]++;
    }
    double gap = shares.get("female_name")[0] / shares.get("female_name")[1]
        - shares.get("male_name")[0] / shares.get("male_name")[1];
    JsonNode bias = json(work.resolve("bias/bias_summary.json"));
    assertEquals(gap, bias.at("/headline/female_male_share_gap/value").asDouble(), 1e-9);

    JsonNode probe = json(work.resolve("probe/probe_summary.json"));
    long namedTexts = planted.stream().filter(m -> m.endsWith("_name")).map(m -> m.split(" ")[0]).distinct().count();
    assertEquals(namedTexts, probe.get("pairs").asLong(), "one swapped pair per text with a name");
    JsonNode faithfulness = json(work.resolve("faithfulness/summary.json"));
    for (JsonNode m : faithfulness.get("methods")) {
      assertEquals(EVALUATED, m.get("texts").asLong(), m.get("method").asText());
    }

    // The record's headline is the union of the four summaries' headline maps, entry by entry.
    Map<String, JsonNode> expected = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    JsonNode annotateSummary = json(work.resolve("annotate/annotate_summary.json"));
    for (Object[] s : new Object[][] {{"annotate", annotateSummary}, {"bias", bias}, {"probe", probe},
        {"evaluate", faithfulness}}) {
      for (Iterator<Map.Entry<String, JsonNode>> it = ((JsonNode) s[1]).get("headline").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        assertTrue(seen.add(e.getKey()), "one statistic, one stage: " + e.getKey());
        expected.put(e.getKey(), e.getValue());
        assertEquals(s[0], rec.at("/headline/" + e.getKey() + "/source").asText(), e.getKey());
      }
    }
    // ... and each stage's error rates, from the 'errors' object of its output (explain's is what it printed).
    Map<String, JsonNode> errors = new LinkedHashMap<>();
    errors.put("annotate", annotate.get("errors"));
    errors.put("bias", bias.get("errors"));
    errors.put("probe", probe.get("errors"));
    errors.put("evaluate", faithfulness.get("errors"));
    Set<String> names = new TreeSet<>(expected.keySet());
    for (String stage : List.of("explain", "annotate", "bias", "probe", "evaluate")) {
      names.add(stage + "_error_rate");
      names.add(stage + "_input_error_rate");
      assertEquals(stage, rec.at("/headline/" + stage + "_error_rate/source").asText());
      JsonNode err = errors.get(stage);
      if (err != null) {
        assertEquals(err.get("error_rate").asDouble(), rec.at("/headline/" + stage + "_error_rate/value").asDouble(), 0);
        assertEquals(err.get("input_error_rate").asDouble(),
            rec.at("/headline/" + stage + "_input_error_rate/value").asDouble(), 0);
      }
    }
    assertEquals(0.0, rec.at("/headline/explain_error_rate/value").asDouble(), 0, "every relevance row is ok");
    assertEquals(TEXTS, rec.at("/headline/explain_error_rate/n").asLong());
    assertEquals(names, fieldNames(rec.get("headline")));
    for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
      JsonNode got = rec.get("headline").get(e.getKey());
      for (String field : List.of("value", "ci_low", "ci_high", "p_value", "n")) {
        JsonNode want = e.getValue().get(field);
        if (want == null || want.isNull()) {
          assertNull(got.get(field), e.getKey() + "." + field);
        } else {
          assertEquals(want.asDouble(), got.get(field).asDouble(), 0, e.getKey() + "." + field);
        }
      }
    }
    for (String s : List.of("ambiguous_name_share", "female_name_mentions", "female_male_share_gap",
        "female_to_male_delta_p", "lrp-ah-ln_auac", "random_aupc")) {
      assertTrue(expected.containsKey(s), s + " in the headline: " + expected.keySet());
    }
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> out = new TreeSet<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static List<String> partitions(Path table) throws IOException {
    try (var s = Files.list(table)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("audit_id="))
          .map(n -> n.substring("audit_id=".length())).sorted().toList();
    }
  }
}
