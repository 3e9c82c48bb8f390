package org.lrpaudit.bias;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bias job's statistics against an independent plain-Java computation (Reference) on small tables. */
class BiasStatisticsTest {
  private static final List<String> WORDS = List.of("the", "film", "was", "good", "bad", "anna", "mary", "john", "paul",
      "paris", "rome", "very", "and");
  private static final Map<String, String> KIND = Map.of("anna", "female_name", "mary", "female_name",
      "john", "male_name", "paul", "male_name", "paris", "city", "rome", "city");

  @TempDir
  static Path dir;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = BiasTables.spark();
  }

  /** Docs of random words with random relevance; every name or city word becomes a mention. */
  static void randomTables(int docs, long seed, List<BiasTables.Doc> outDocs, List<BiasTables.Mention> outMentions) {
    Random r = new Random(seed);
    for (int i = 0; i < docs; i++) {
      List<String> words = new ArrayList<>();
      int n = 3 + r.nextInt(5);
      for (int w = 0; w < n; w++) {
        words.add(WORDS.get(r.nextInt(WORDS.size())));
      }
      double[] rel = r.doubles(n).map(x -> r.nextGaussian()).toArray();
      Integer label = r.nextInt(3) == 0 ? null : r.nextInt(2);
      BiasTables.Doc d = BiasTables.doc("d" + i, r.nextInt(2), label, words, rel, r.nextGaussian(), r.nextGaussian());
      outDocs.add(d);
      for (BiasTables.Unit u : d.units()) {
        if (KIND.containsKey(u.token())) {
          outMentions.add(new BiasTables.Mention(d.id(), u.start(), u.end(), u.token().substring(0, 1).toUpperCase()
              + u.token().substring(1), KIND.get(u.token())));
        }
      }
    }
  }

  static Map<String, Row> statsByKey(Path out) {
    return statsByKey(spark.read().parquet(out.resolve("bias_stats").toString()).collectAsList());
  }

  /** Rows by section|kind|term|group|predicted_class|statistic; fails on a duplicate key. */
  static Map<String, Row> statsByKey(List<Row> rows) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : rows) {
      String key = String.join("|", r.getAs("section"), r.getAs("kind"), String.valueOf((Object) r.getAs("term")),
          String.valueOf((Object) r.getAs("group")), r.getAs("predicted_class"), r.getAs("statistic"));
      assertTrue(m.put(key, r) == null, "duplicate statistic " + key);
    }
    return m;
  }

  static void assertStat(Map<String, Row> stats, String key, double value, double lo, double hi, long n) {
    Row r = stats.get(key);
    assertNotNull(r, "missing " + key);
    assertEquals(value, r.<Double>getAs("value"), 1e-9 * Math.max(1, Math.abs(value)), key);
    if (!Double.isNaN(lo)) {
      assertEquals(lo, r.<Double>getAs("ci_low"), 1e-9 * Math.max(1, Math.abs(lo)), key + " ci_low");
      assertEquals(hi, r.<Double>getAs("ci_high"), 1e-9 * Math.max(1, Math.abs(hi)), key + " ci_high");
    }
    assertEquals(n, r.<Long>getAs("n"), key + " n");
  }

  @Test
  void everyStatisticMatchesAPlainJavaRecomputation() throws Exception {
    List<BiasTables.Doc> docs = new ArrayList<>();
    List<BiasTables.Mention> mentions = new ArrayList<>();
    randomTables(10, 5, docs, mentions);
    Path rel = BiasTables.writeRelevance(spark, dir.resolve("t1"), docs, "r1", "lrp-ah-ln");
    Path men = BiasTables.writeMentions(spark, dir.resolve("t1/mentions"), mentions);
    Path out = dir.resolve("t1/out");
    int b = 300;
    long seed = 99;
    BiasSettings s = BiasSettings.of(rel.toString(), men.toString(), out.toString())
        .with(b, 50000, seed, BiasSettings.parseCompare("female_name:male_name,city:male_name"));
    Map<String, Object> summary = new BiasJob(spark).run(s);
    assertEquals((long) mentions.size(), summary.get("joined_mentions"));

    Map<String, Row> stats = statsByKey(out);
    assertEveryStatistic(stats, docs, mentions, b, seed);
    assertTrue(Files.exists(out.resolve("bias_stats.csv")) && Files.exists(out.resolve("bias_summary.json")));
    assertEquals(stats.size() + 1, Files.readAllLines(out.resolve("bias_stats.csv")).size(), "CSV: header + all rows");
  }

  /**
   * Every row of one run's bias_stats (by key, see statsByKey) against the Reference recomputation from the docs and
   * mentions, for the comparisons female_name:male_name and city:male_name; and no row beyond them.
   */
  static void assertEveryStatistic(Map<String, Row> stats, List<BiasTables.Doc> docs, List<BiasTables.Mention> mentions,
      int b, long seed) {
    Map<String, BiasTables.Doc> byId = new HashMap<>();
    docs.forEach(d -> byId.put(d.id(), d));
    List<Reference.Span> spans = mentions.stream().map(m -> Reference.span(byId.get(m.id()), m)).toList();
    int expectedRows = 0;
    String[] names = {"mean_relevance", "mean_share", "top3_rate"};
    for (String cls : List.of("all", "NEGATIVE", "POSITIVE")) {
      Predicate<Reference.Span> inClass = x -> cls.equals("all") || x.predictedLabel().equals(cls);
      for (String kind : List.of("female_name", "male_name", "city")) {
        List<Reference.Span> k = spans.stream().filter(inClass).filter(x -> x.kind().equals(kind)).toList();
        if (k.isEmpty()) {
          continue;
        }
        String key = "kind|" + kind + "|null|null|" + cls + "|";
        assertStat(stats, key + "occurrences", k.size(), Double.NaN, Double.NaN, k.size());
        long documents = k.stream().map(Reference.Span::docId).distinct().count();
        assertStat(stats, key + "documents", documents, Double.NaN, Double.NaN, documents);
        for (int j = 0; j < 3; j++) {
          double[] e = Reference.mean(k, j, b, seed);
          assertStat(stats, key + names[j], e[0], e[1], e[2], k.size());
        }
        expectedRows += 5;
        for (String term : k.stream().map(Reference.Span::term).distinct().toList()) {
          List<Reference.Span> t = k.stream().filter(x -> x.term().equals(term)).toList();
          String tk = "term|" + kind + "|" + term + "|null|" + cls + "|";
          assertStat(stats, tk + "occurrences", t.size(), Double.NaN, Double.NaN, t.size());
          for (int j = 0; j < 3; j++) {
            double[] e = Reference.mean(t, j, b, seed);
            assertStat(stats, tk + names[j], e[0], e[1], e[2], t.size());
          }
          expectedRows += 5;
        }
      }
      // Group gaps: value, joint bootstrap interval and exact permutation p (groups this small are enumerated).
      for (String[] pair : new String[][] {{"female_name", "male_name"}, {"city", "male_name"}}) {
        List<Reference.Span> a = spans.stream().filter(inClass).filter(x -> x.kind().equals(pair[0])).toList();
        List<Reference.Span> c = spans.stream().filter(inClass).filter(x -> x.kind().equals(pair[1])).toList();
        if (a.isEmpty() || c.isEmpty()) {
          continue;
        }
        assertTrue(Relabellings.twoGroupExact(a.size() + c.size(), a.size(), 50000), "test groups should be tiny");
        String[] gaps = {"relevance_gap", "share_gap", "top3_gap"};
        for (int j = 0; j < 3; j++) {
          int jj = j;
          double[] va = a.stream().mapToDouble(x -> Reference.value(x, jj)).toArray();
          double[] vc = c.stream().mapToDouble(x -> Reference.value(x, jj)).toArray();
          double gap = java.util.Arrays.stream(va).average().orElseThrow() - java.util.Arrays.stream(vc).average().orElseThrow();
          double[] reps = new double[b];
          for (int r = 0; r < b; r++) {
            reps[r] = replicate(a, j, r, seed) - replicate(c, j, r, seed);
          }
          double[] ci = Reference.percentiles(reps);
          String key = "group_gap|" + pair[0] + "-" + pair[1] + "|null|null|" + cls + "|" + gaps[j];
          assertStat(stats, key, gap, ci[0], ci[1], a.size() + c.size());
          assertEquals(Reference.exactPermutationP(va, vc), stats.get(key).<Double>getAs("p_value"), 1e-12, key);
          expectedRows++;
        }
      }
    }
    // Outcomes by group (texts with a mention of the kind), Fairlearn difference and ratio.
    Map<String, double[]> outcome = new HashMap<>();
    for (String kind : List.of("female_name", "male_name", "city")) {
      List<BiasTables.Doc> ds = docs.stream().filter(d -> spans.stream()
          .anyMatch(x -> x.docId().equals(d.id()) && x.kind().equals(kind))).toList();
      double pr = ds.stream().filter(d -> d.predicted() == 1).count() / (double) ds.size();
      List<BiasTables.Doc> labeled = ds.stream().filter(d -> d.label() != null).toList();
      double acc = labeled.stream().filter(d -> d.label() == d.predicted()).count() / (double) labeled.size();
      outcome.put(kind, new double[] {pr, acc, 1 - acc});
      String key = "outcome|" + kind + "|null|" + kind + "|all|";
      assertStat(stats, key + "prediction_rate", pr, Double.NaN, Double.NaN, ds.size());
      assertStat(stats, key + "accuracy", acc, Double.NaN, Double.NaN, labeled.size());
      assertStat(stats, key + "error_rate", 1 - acc, Double.NaN, Double.NaN, labeled.size());
      expectedRows += 3;
    }
    String[] outcomes = {"prediction_rate", "accuracy", "error_rate"};
    for (String[] pair : new String[][] {{"female_name", "male_name"}, {"city", "male_name"}}) {
      for (int j = 0; j < 3; j++) {
        double x = outcome.get(pair[0])[j];
        double y = outcome.get(pair[1])[j];
        String key = "outcome|" + pair[0] + "-" + pair[1] + "|null|";
        assertEquals(x - y, stats.get(key + "gap|all|" + outcomes[j]).<Double>getAs("value"), 1e-12);
        assertEquals(Math.abs(x - y), stats.get(key + "difference|all|" + outcomes[j]).<Double>getAs("value"), 1e-12);
        // the difference's interval is the signed gap's interval folded at 0, so it holds |gap|
        Row gapRow = stats.get(key + "gap|all|" + outcomes[j]);
        Row diffRow = stats.get(key + "difference|all|" + outcomes[j]);
        double lo = gapRow.<Double>getAs("ci_low");
        double hi = gapRow.<Double>getAs("ci_high");
        double foldedLo = lo <= 0 && hi >= 0 ? 0 : Math.min(Math.abs(lo), Math.abs(hi));
        assertEquals(foldedLo, diffRow.<Double>getAs("ci_low"), 1e-12);
        assertEquals(Math.max(Math.abs(lo), Math.abs(hi)), diffRow.<Double>getAs("ci_high"), 1e-12);
        assertTrue(diffRow.<Double>getAs("ci_low") <= Math.abs(x - y) && Math.abs(x - y) <= diffRow.<Double>getAs("ci_high"));
        assertEquals(Math.min(x, y) / Math.max(x, y), stats.get(key + "ratio|all|" + outcomes[j]).<Double>getAs("value"),
            1e-12);
        expectedRows += 3;
      }
    }
    assertEquals(expectedRows, stats.size(), "no statistic beyond the recomputed ones");
  }

  private static double replicate(List<Reference.Span> spans, int stat, int r, long seed) {
    double num = 0;
    double den = 0;
    for (Reference.Span s : spans) {
      int w = ReplicateRandom.poisson1(seed, ReplicateRandom.key(s.docId()), r);
      num += w * Reference.value(s, stat);
      den += w;
    }
    return den > 0 ? num / den : Double.NaN;
  }

  @Test
  void overlapRuleShareAndTopThreeInClosedForm() throws Exception {
    // "anna liked paris": relevance 1, -1, 2; [CLS] 0.5, [SEP] -0.5, so sum |R| = 5.
    BiasTables.Doc d = BiasTables.doc("c1", 1, 1, List.of("anna", "liked", "paris"), new double[] {1, -1, 2}, 0.5, -0.5);
    List<BiasTables.Mention> m = List.of(
        new BiasTables.Mention("c1", 0, 4, "Anna", "a"),     // one word: 1 / 5
        new BiasTables.Mention("c1", 2, 8, "na lik", "b"),   // touches anna and liked: (1 - 1) / 5
        new BiasTables.Mention("c1", 12, 15, "ari", "c"),    // inside paris: counted whole, 2 / 5
        new BiasTables.Mention("c1", 4, 5, " ", "d"));       // the space: no unit -> not ok
    Path rel = BiasTables.writeRelevance(spark, dir.resolve("t2"), List.of(d), "r", "lrp-ah-ln");
    Path out = dir.resolve("t2/out");
    Map<String, Object> summary = new BiasJob(spark).run(BiasSettings.of(rel.toString(),
        BiasTables.writeMentions(spark, dir.resolve("t2/m"), m).toString(), out.toString()));
    Map<String, Row> stats = statsByKey(out);
    assertEquals(0.2, stats.get("kind|a|null|null|all|mean_share").<Double>getAs("value"), 1e-12);
    assertEquals(1.0, stats.get("kind|a|null|null|all|mean_relevance").<Double>getAs("value"), 1e-12);
    assertEquals(0.0, stats.get("kind|b|null|null|all|mean_share").<Double>getAs("value"), 1e-12);
    assertEquals(0.4, stats.get("kind|c|null|null|all|mean_share").<Double>getAs("value"), 1e-12);
    // |R| of the words: 1, 1, 2 -> the third largest is 1, so all three are top-3 (ties count in).
    assertEquals(1.0, stats.get("kind|a|null|null|all|top3_rate").<Double>getAs("value"), 1e-12);
    assertEquals(Map.of("ok", 3L, "no_overlapping_unit", 1L), summary.get("mention_status"));
  }

  @Test
  void monteCarloPermutationsAgreeWithExactEnumerationAndExactModeIsExact() throws Exception {
    Random r = new Random(3);
    List<BiasTables.Doc> docs = new ArrayList<>();
    List<BiasTables.Mention> mentions = new ArrayList<>();
    for (int i = 0; i < 18; i++) {
      boolean female = i < 9;
      double rel = (female ? 0.3 : 0.0) + r.nextGaussian();
      docs.add(BiasTables.doc("p" + i, 1, null, List.of("x", "film"), new double[] {rel, 1.0}, 0.2, 0.2));
      mentions.add(new BiasTables.Mention("p" + i, 0, 1, "x", female ? "female_name" : "male_name"));
    }
    Path rel = BiasTables.writeRelevance(spark, dir.resolve("t3"), docs, "r", "lrp-ah-ln");
    Path men = BiasTables.writeMentions(spark, dir.resolve("t3/m"), mentions);
    List<BiasTables.Doc> byOrder = docs;
    double[] a = new double[9];
    double[] c = new double[9];
    for (int i = 0; i < 18; i++) {
      Reference.Span s = Reference.span(byOrder.get(i), mentions.get(i));
      (i < 9 ? a : c)[i % 9] = s.share();
    }
    double exact = Reference.exactPermutationP(a, c); // all C(18, 9) = 48,620 relabellings
    Map<String, Object> mc = new BiasJob(spark).run(BiasSettings.of(rel.toString(), men.toString(),
        dir.resolve("t3/mc").toString()).with(50, 20000, 7, BiasSettings.parseCompare("female_name:male_name")));
    double pMc = pOf(mc, "female_male_share_gap");
    double se = Math.sqrt(exact * (1 - exact) / 20000);
    assertTrue(Math.abs(pMc - exact) < 4 * se + 1e-4, "Monte Carlo p " + pMc + " vs exact " + exact);
    Map<String, Object> ex = new BiasJob(spark).run(BiasSettings.of(rel.toString(), men.toString(),
        dir.resolve("t3/ex").toString()).with(50, 50000, 7, BiasSettings.parseCompare("female_name:male_name")));
    assertEquals(exact, pOf(ex, "female_male_share_gap"), 1e-12);
    assertTrue(exact > 0.001 && exact < 0.9, "the example should have a p-value away from the ends: " + exact);
  }

  @SuppressWarnings("unchecked")
  static double pOf(Map<String, Object> summary, String name) {
    Map<String, Object> h = (Map<String, Object>) ((Map<String, Object>) summary.get("headline")).get(name);
    assertNotNull(h, "headline " + name + " in " + summary.get("headline"));
    return (Double) h.get("p_value");
  }

  @Test
  void bootstrapIntervalsCoverTheTrueMeanAtAboutTheNominalRate() throws Exception {
    // 200 simulated data sets (one term each) of 40 documents; share = x exactly (|x| + |filler| = 1), x ~ U(-0.2, 1):
    // true mean 0.4. A 95% interval should cover it in about 95% of the data sets.
    Random r = new Random(11);
    List<BiasTables.Doc> docs = new ArrayList<>();
    List<BiasTables.Mention> mentions = new ArrayList<>();
    for (int t = 0; t < 200; t++) {
      for (int i = 0; i < 40; i++) {
        double x = -0.2 + 1.2 * r.nextDouble();
        String id = "s" + t + "-" + i;
        docs.add(BiasTables.doc(id, 1, null, List.of("n" + t, "f"), new double[] {x, 1 - Math.abs(x)}, 0, 0));
        mentions.add(new BiasTables.Mention(id, 0, ("n" + t).length(), "n" + t, "sim"));
      }
    }
    Path rel = BiasTables.writeRelevance(spark, dir.resolve("t4"), docs, "r", "lrp-ah-ln");
    Path out = dir.resolve("t4/out");
    new BiasJob(spark).run(BiasSettings.of(rel.toString(), BiasTables.writeMentions(spark, dir.resolve("t4/m"), mentions)
        .toString(), out.toString()).with(1000, 100, 5, List.of()));
    List<Row> rows = spark.read().parquet(out.resolve("bias_stats").toString())
        .where(col("section").equalTo("term").and(col("statistic").equalTo("mean_share"))
            .and(col("predicted_class").equalTo("all"))).collectAsList();
    assertEquals(200, rows.size());
    long covered = rows.stream().filter(x -> x.<Double>getAs("ci_low") <= 0.4 && 0.4 <= x.<Double>getAs("ci_high"))
        .count();
    double coverage = covered / 200.0;
    System.out.println("bootstrap coverage of the true mean: " + coverage);
    assertTrue(coverage >= 0.90 && coverage <= 0.99, "coverage " + coverage);
  }

  @Test
  void rerunGivesIdenticalOutput() throws Exception {
    List<BiasTables.Doc> docs = new ArrayList<>();
    List<BiasTables.Mention> mentions = new ArrayList<>();
    randomTables(30, 8, docs, mentions);
    Path rel = BiasTables.writeRelevance(spark, dir.resolve("t5"), docs, "r", "lrp-ah-ln");
    Path men = BiasTables.writeMentions(spark, dir.resolve("t5/m"), mentions);
    BiasSettings s = BiasSettings.of(rel.toString(), men.toString(), dir.resolve("t5/a").toString());
    new BiasJob(spark).run(s);
    new BiasJob(spark).run(BiasSettings.of(rel.toString(), men.toString(), dir.resolve("t5/b").toString()));
    assertArrayEquals(Files.readAllBytes(dir.resolve("t5/a/bias_stats.csv")),
        Files.readAllBytes(dir.resolve("t5/b/bias_stats.csv")));
    // A rerun into the same output replaces the run (with --overwrite) and gives the same table.
    new BiasJob(spark).run(s.withOverwrite(true));
    assertArrayEquals(Files.readAllBytes(dir.resolve("t5/a/bias_stats.csv")),
        Files.readAllBytes(dir.resolve("t5/b/bias_stats.csv")));
  }

  @Test
  void termLevelPermutationPMatchesExactEnumerationOverTerms() throws Exception {
    // 5 female and 4 male terms with 1-4 mentions each: all C(9, 5) = 126 relabellings of whole terms are enumerated.
    Random r = new Random(21);
    List<BiasTables.Doc> docs = new ArrayList<>();
    List<BiasTables.Mention> mentions = new ArrayList<>();
    List<List<Double>> units = new ArrayList<>();
    for (int t = 0; t < 9; t++) {
      boolean female = t < 5;
      List<Double> shares = new ArrayList<>();
      for (int k = 0; k < 1 + r.nextInt(4); k++) {
        String id = "u" + t + "-" + k;
        double x = (female ? 0.2 : 0) + 0.4 * r.nextDouble() - 0.2;
        docs.add(BiasTables.doc(id, 1, null, List.of("n" + t, "f"), new double[] {x, 1 - Math.abs(x)}, 0, 0));
        mentions.add(new BiasTables.Mention(id, 0, 2, "n" + t, female ? "female_name" : "male_name"));
        shares.add(x);
      }
      units.add(shares);
    }
    Path rel = BiasTables.writeRelevance(spark, dir.resolve("t6"), docs, "r", "lrp-ah-ln");
    Path men = BiasTables.writeMentions(spark, dir.resolve("t6/m"), mentions);
    Map<String, Object> s = new BiasJob(spark).run(BiasSettings.of(rel.toString(), men.toString(),
        dir.resolve("t6/out").toString()).with(50, 1000, 3, BiasSettings.parseCompare("female_name:male_name"))
        .withPermutationUnit("term"));
    double all = units.stream().flatMap(List::stream).mapToDouble(Double::doubleValue).sum();
    long count = units.stream().mapToLong(List::size).sum();
    double observed = mean(units.subList(0, 5)) - mean(units.subList(5, 9));
    long extreme = 0;
    long total = 0;
    for (long mask : Relabellings.subsets(9, 5)) {
      double sa = 0;
      long ca = 0;
      for (int t = 0; t < 9; t++) {
        if ((mask >>> t & 1) == 1) {
          sa += units.get(t).stream().mapToDouble(Double::doubleValue).sum();
          ca += units.get(t).size();
        }
      }
      double stat = sa / ca - (all - sa) / (count - ca);
      total++;
      extreme += Math.abs(stat) >= Math.abs(observed) * (1 - 1e-9) ? 1 : 0;
    }
    assertEquals(126, total);
    assertEquals(extreme / 126.0, pOf(s, "female_male_share_gap"), 1e-12);
  }

  private static double mean(List<List<Double>> units) {
    return units.stream().flatMap(List::stream).mapToDouble(Double::doubleValue).average().orElseThrow();
  }
}
