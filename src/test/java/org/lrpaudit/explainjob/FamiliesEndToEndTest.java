package org.lrpaudit.explainjob;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lrpaudit.cli.Main;
import org.lrpaudit.model.ModelFamilies;
import org.lrpaudit.model.RandomCheckpoint;

/**
 * Every family end to end from the command line, in one Spark session: a bias-free random checkpoint of the family
 * explains a small corpus with the explain job and is evaluated by the faithfulness job. Checked on what the jobs wrote:
 * every input row comes out once per method, every row ok, token relevance sums to relevance_sum, and lrp-ah-ln's
 * relevance_sum equals the explained logit (conservation holds on a bias-free model of every family).
 */
class FamiliesEndToEndTest {
  private static final int TEXTS = 24;

  @TempDir
  static Path tmp;
  static SparkSession spark;
  static Path corpus;

  @BeforeAll
  static void start() throws IOException {
    spark = SparkTests.local(2);
    corpus = SparkTests.jsonl(tmp.resolve("corpus.jsonl"), SparkTests.sentences(TEXTS, 25, 13));
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static List<String> families() {
    return ModelFamilies.textModelTypes();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void explainsAndEvaluatesFromTheCli(String type) throws IOException {
    Path model = RandomCheckpoint.write(RandomCheckpoint.spec(type, 2, 32, 4, 64, true, 31), tmp.resolve(type));
    Path relevance = tmp.resolve(type + "-relevance");
    assertEquals(0, Main.run("explain", "--model", model.toString(), "--input", corpus.toString(), "--output",
        relevance.toString(), "--run-id", "r", "--methods", "lrp-ah-ln,gi", "--max-length", "64", "--partitions", "2"));
    List<Row> rows = spark.read().parquet(relevance.toString()).where(col("run_id").equalTo("r"))
        .select(col("id"), col("method"), col("status"), col("explained_logit"), col("relevance_sum"),
            col("tokens.relevance")).collectAsList();
    assertEquals(2 * TEXTS, rows.size(), type + ": rows in x methods == rows out");
    assertEquals(TEXTS, rows.stream().filter(r -> r.getString(1).equals("lrp-ah-ln")).map(r -> r.getString(0))
        .distinct().count());
    double worst = 0;
    for (Row r : rows) {
      assertEquals("ok", r.getString(2), type + " " + r.getString(0));
      double sum = r.getList(5).stream().mapToDouble(v -> ((Number) v).doubleValue()).sum();
      assertEquals(sum, r.getDouble(4), 1e-9 * Math.max(1, Math.abs(sum)), type + ": relevance_sum is the token sum");
      if (r.getString(1).equals("lrp-ah-ln")) {
        double logit = r.getDouble(3);
        assertEquals(logit, r.getDouble(4), 1e-4 * Math.max(1, Math.abs(logit)), type + " conservation " + r.getString(0));
        worst = Math.max(worst, Math.abs(logit - r.getDouble(4)) / Math.max(1, Math.abs(logit)));
      }
    }

    Path evaluation = tmp.resolve(type + "-evaluation");
    assertEquals(0, Main.run("evaluate", "--model", model.toString(), "--input", corpus.toString(), "--output",
        evaluation.toString(), "--methods", "lrp-ah-ln,random", "--steps", "3", "--max-length", "64"));
    assertTrue(Files.isRegularFile(evaluation.resolve("summary.json")));
    List<Row> texts = spark.read().parquet(evaluation.resolve("texts").toString())
        .select(col("method"), col("status")).collectAsList();
    assertEquals(2 * TEXTS, texts.size(), type + ": evaluate rows in x methods == rows out");
    assertTrue(texts.stream().allMatch(r -> r.getString(1).equals("ok")), type + ": every evaluated text ok");
    System.out.printf("E2E-FIGURE %s explain+evaluate ok, %d texts, lrp-ah-ln worst relative conservation error %.2e%n",
        type, TEXTS, worst);
  }
}
