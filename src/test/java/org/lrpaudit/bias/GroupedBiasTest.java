package org.lrpaudit.bias;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.runtime.JobException;

/**
 * --group-col and the DataFrame entry point: statistics split by a corpus column equal the plain-Java recomputation
 * (Reference) run on each group's rows alone, and BiasStatistics.compute gives the bias job's rows.
 */
class GroupedBiasTest {
  private static final int REPLICATES = 300;
  private static final long SEED = 99;
  private static final String COMPARE = "female_name:male_name,city:male_name";

  @TempDir
  static Path dir;
  static SparkSession spark;
  static final List<BiasTables.Doc> DOCS = new ArrayList<>();
  static final List<BiasTables.Mention> MENTIONS = new ArrayList<>();
  static final Map<String, String> LANGUAGE = new HashMap<>();
  static Path relevance;
  static Path mentions;
  static Path corpus;

  @BeforeAll
  static void tables() {
    spark = BiasTables.spark();
    BiasStatisticsTest.randomTables(16, 5, DOCS, MENTIONS);
    Random r = new Random(2);
    List<Row> rows = new ArrayList<>();
    for (BiasTables.Doc d : DOCS) {
      LANGUAGE.put(d.id(), r.nextBoolean() ? "en" : "de");
      rows.add(RowFactory.create(d.id(), "text of " + d.id(), LANGUAGE.get(d.id())));
    }
    relevance = BiasTables.writeRelevance(spark, dir, DOCS, "r1", "lrp-ah-ln");
    mentions = BiasTables.writeMentions(spark, dir.resolve("mentions"), MENTIONS);
    corpus = dir.resolve("corpus");
    spark.createDataFrame(rows, new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType)
        .add("language", DataTypes.StringType)).write().mode(SaveMode.Overwrite).parquet(corpus.toString());
  }

  private static BiasSettings settings(String out) {
    return BiasSettings.of(relevance.toString(), mentions.toString(), dir.resolve(out).toString())
        .with(REPLICATES, 50000, SEED, BiasSettings.parseCompare(COMPARE));
  }

  @Test
  void everyStatisticPerGroupEqualsTheRecomputationOnThatGroupsRowsAlone() throws Exception {
    Map<String, Object> summary = new BiasJob(spark).run(settings("grouped")
        .withGroups(List.of("language"), corpus.toString()));
    List<Row> rows = spark.read().parquet(dir.resolve("grouped/bias_stats").toString()).collectAsList();
    assertEquals(Set.of("en", "de"), rows.stream().map(x -> x.<String>getAs("language")).collect(Collectors.toSet()));
    for (String language : List.of("en", "de")) {
      List<BiasTables.Doc> docs = DOCS.stream().filter(d -> LANGUAGE.get(d.id()).equals(language)).toList();
      List<BiasTables.Mention> ms = MENTIONS.stream().filter(m -> LANGUAGE.get(m.id()).equals(language)).toList();
      assertTrue(docs.size() >= 5 && ms.size() >= 8, "both groups should hold a few texts: " + docs.size());
      Map<String, Row> stats = BiasStatisticsTest.statsByKey(rows.stream()
          .filter(x -> language.equals(x.getAs("language"))).toList());
      BiasStatisticsTest.assertEveryStatistic(stats, docs, ms, REPLICATES, SEED);
    }
    // The CSV holds the group column after the statistic's own columns; the headline names carry the group.
    List<String> csv = Files.readAllLines(dir.resolve("grouped/bias_stats.csv"));
    assertEquals("section,kind,term,group,predicted_class,statistic,value,ci_low,ci_high,p_value,n,language,run_id,"
        + "method", csv.get(0));
    assertEquals(rows.size() + 1, csv.size());
    @SuppressWarnings("unchecked")
    Map<String, Object> headline = (Map<String, Object>) summary.get("headline");
    assertTrue(headline.containsKey("female_male_share_gap[language=en]")
        && headline.containsKey("female_male_share_gap[language=de]"), headline.keySet().toString());
    assertEquals(List.of("language"), summary.get("group_cols"));
  }

  @Test
  void theDataFrameFunctionGivesTheJobsRowsGroupedOrNot() {
    new BiasJob(spark).run(settings("plain"));
    new BiasJob(spark).run(settings("by-language").withGroups(List.of("language"), corpus.toString()));
    Dataset<Row> rel = spark.read().parquet(relevance.toString());
    Dataset<Row> men = spark.read().parquet(mentions.toString());
    BiasOptions options = BiasOptions.defaults().withCompare(COMPARE);
    options = new BiasOptions(options.unit(), REPLICATES, 50000, SEED, options.compare(), 1, "mention", List.of());
    assertSameRows(spark.read().parquet(dir.resolve("plain/bias_stats").toString()),
        BiasStatistics.compute(rel, men, options), List.of());
    Dataset<Row> withLanguage = rel.join(spark.read().parquet(corpus.toString()).select("id", "language"), "id");
    assertSameRows(spark.read().parquet(dir.resolve("by-language/bias_stats").toString()),
        BiasStatistics.compute(withLanguage, men, options.withGroupCols(List.of("language"))), List.of("language"));
  }

  /**
   * The same rows: equal keys and counts, numbers equal within 1e-12 relative (a different join order may sum the same
   * doubles in another order).
   */
  private static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual, List<String> groupCols) {
    Map<String, Row> want = byKey(expected, groupCols);
    Map<String, Row> got = byKey(actual, groupCols);
    assertEquals(want.keySet(), got.keySet());
    for (String k : want.keySet()) {
      for (String c : List.of("value", "ci_low", "ci_high", "p_value")) {
        Double x = want.get(k).getAs(c);
        Double y = got.get(k).getAs(c);
        assertEquals(x == null, y == null, k + " " + c);
        if (x != null) {
          assertEquals(x, y, 1e-12 * Math.max(1, Math.abs(x)), k + " " + c);
        }
      }
      assertEquals(want.get(k).<Long>getAs("n"), got.get(k).<Long>getAs("n"), k);
    }
  }

  private static Map<String, Row> byKey(Dataset<Row> stats, List<String> groupCols) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : stats.collectAsList()) {
      StringBuilder key = new StringBuilder();
      for (String c : List.of("section", "kind", "term", "group", "predicted_class", "statistic", "run_id", "method")) {
        key.append(String.valueOf((Object) r.getAs(c))).append('|');
      }
      groupCols.forEach(c -> key.append(String.valueOf((Object) r.getAs(c))).append('|'));
      assertTrue(out.put(key.toString(), r) == null, "duplicate " + key);
    }
    return out;
  }

  @Test
  void aGroupColumnNeitherInTheRelevanceTableNorInTheCorpusIsRefusedNamingIt() {
    JobException e = assertThrows(JobException.class, () -> new BiasJob(spark).run(settings("bad1")
        .withGroups(List.of("language"), null)));
    assertTrue(e.getMessage().contains("--group-col [language]") && e.getMessage().contains("--corpus"),
        e.getMessage());
    e = assertThrows(JobException.class, () -> new BiasJob(spark).run(settings("bad2")
        .withGroups(List.of("source"), corpus.toString())));
    assertTrue(e.getMessage().contains("lacks column(s) [source]") && e.getMessage().contains(corpus.toString()),
        e.getMessage());
    IllegalArgumentException clash = assertThrows(IllegalArgumentException.class,
        () -> settings("bad3").withGroups(List.of("kind"), corpus.toString()));
    assertTrue(clash.getMessage().contains("'kind'"), clash.getMessage());
    assertTrue(!Files.exists(dir.resolve("bad1/bias_stats")) && !Files.exists(dir.resolve("bad2/bias_stats")));
  }
}
