package org.lrpaudit.ml;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.explainjob.ExplainJob;
import org.lrpaudit.explainjob.ExplainSettings;
import org.lrpaudit.explainjob.ExplanationStruct;

/** RelevanceExplainer against the explain job, laziness, and its schema errors. */
class RelevanceExplainerTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = MlFixtures.local();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static RelevanceExplainer explainer() {
    return new RelevanceExplainer().setModelPath(MlFixtures.model()).setMaxLength(128);
  }

  /** What one explanation is compared on: status, token strings and relevance, logits, explained logit. */
  private record Result(String status, List<String> tokens, double[] relevance, double[] logits, Double logit) {}

  private static Result result(Row struct) {
    String status = struct.getAs("status");
    if (!status.equals("ok")) {
      return new Result(status, List.of(), new double[0], new double[0], null);
    }
    List<String> tokens = new ArrayList<>();
    List<Row> rows = struct.getList(struct.fieldIndex("tokens"));
    double[] rel = new double[rows.size()];
    for (int i = 0; i < rel.length; i++) {
      tokens.add(rows.get(i).getAs("token"));
      rel[i] = rows.get(i).getAs("relevance");
    }
    List<Object> l = struct.getList(struct.fieldIndex("logits"));
    return new Result(status, tokens, rel, l.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray(),
        struct.getAs("explained_logit"));
  }

  private static double maxDifference(Result a, Result b, String what) {
    assertEquals(a.status(), b.status(), what + ": status");
    assertEquals(a.tokens(), b.tokens(), what + ": tokens");
    assertEquals(a.logits().length, b.logits().length, what + ": logits");
    double d = 0;
    for (int i = 0; i < a.relevance().length; i++) {
      d = Math.max(d, Math.abs(a.relevance()[i] - b.relevance()[i]));
    }
    for (int i = 0; i < a.logits().length; i++) {
      d = Math.max(d, Math.abs(a.logits()[i] - b.logits()[i]));
    }
    if (a.logit() != null) {
      d = Math.max(d, Math.abs(a.logit() - b.logit()));
    }
    return d;
  }

  @Test
  void equalsTheExplainJobsRelevanceTable(@TempDir Path dir) throws Exception {
    List<String> texts = new ArrayList<>(MlFixtures.sentences(90, 40, 3));
    texts.set(7, "");
    texts.set(31, null);
    texts.set(44, "   ");
    Path corpus = MlFixtures.jsonl(dir.resolve("corpus.jsonl"), texts);
    Path table = dir.resolve("relevance");
    Properties p = ExplainSettings.defaults();
    p.setProperty("model", MlFixtures.model());
    p.setProperty("input", corpus.toString());
    p.setProperty("output", table.toString());
    p.setProperty("max-length", "128");
    p.setProperty("methods", "lrp-ah-ln,gi");
    p.setProperty("run-id", "job");
    p.setProperty("partitions", "3");
    p.setProperty("max-error-rate", "0.1");
    new ExplainJob(spark).run(ExplainSettings.from(p));
    Map<String, Result> job = new HashMap<>();
    for (Row r : spark.read().parquet(table.toString()).where(col("run_id").equalTo("job")).collectAsList()) {
      job.put(r.<String>getAs("id") + "/" + r.getAs("method"), result(r));
    }

    // The same texts as a user's DataFrame, partitioned differently, with a column of their own.
    Dataset<Row> mine = spark.read().json(corpus.toString()).withColumn("source", col("id")).repartition(2);
    Dataset<Row> out = explainer().setMethods("lrp-ah-ln", "gi").transform(mine);
    assertEquals(new ArrayType(ExplanationStruct.TYPE, false), out.schema().apply("relevance").dataType());
    List<Row> rows = out.collectAsList();
    assertEquals(texts.size(), rows.size(), "one row out per row in");
    double max = 0;
    int ok = 0;
    for (Row r : rows) {
      String id = r.getAs("id");
      assertEquals(id, r.getAs("source"), "the user's columns are kept, on the right row");
      List<Row> perMethod = r.getList(r.fieldIndex("relevance"));
      assertEquals(2, perMethod.size());
      String[] methods = {"lrp-ah-ln", "gi"};
      for (int m = 0; m < 2; m++) {
        assertEquals(methods[m], perMethod.get(m).getAs("method"));
        Result mineResult = result(perMethod.get(m));
        max = Math.max(max, maxDifference(job.get(id + "/" + methods[m]), mineResult, id + " " + methods[m]));
        ok += mineResult.status().equals("ok") ? 1 : 0;
      }
    }
    System.err.printf("transformer vs explain job: max |difference| = %.3g over %d explanations%n", max, ok);
    assertEquals(2 * (texts.size() - 3), ok);
    assertTrue(max <= 1e-6, "transformer and job differ by " + max);
    Map<String, String> statuses = new HashMap<>();
    for (Row r : out.where(col("id").isin("t7", "t31", "t44")).select(col("id"), col("relevance").getItem(0)
        .getField("status")).collectAsList()) {
      statuses.put(r.getString(0), r.getString(1));
    }
    assertEquals(Map.of("t7", "empty_text", "t31", "null_text", "t44", "empty_text"), statuses);
  }

  @Test
  void oneMethodGivesOneStructAndTargetsAClassOrALabelColumn() {
    List<String> texts = MlFixtures.sentences(12, 20, 5);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(org.apache.spark.sql.RowFactory.create(i, texts.get(i), i % 2));
    }
    StructType schema = new StructType().add("n", DataTypes.IntegerType).add("body", DataTypes.StringType)
        .add("gold", DataTypes.IntegerType);
    Dataset<Row> df = spark.createDataFrame(rows, schema);
    Dataset<Row> byClass = explainer().setInputCol("body").setTarget("class:POSITIVE").setOutputCol("x").transform(df);
    assertEquals(ExplanationStruct.TYPE, byClass.schema().apply("x").dataType());
    for (Row r : byClass.select("x.status", "x.explained_class", "x.explained_label").collectAsList()) {
      assertEquals("ok", r.getString(0));
      assertEquals(1, r.getInt(1));
      assertEquals("POSITIVE", r.getString(2));
    }
    // Chunks of 5 rows (a partition spans several): same rows, same order, same numbers as one chunk.
    List<Row> whole = explainer().setInputCol("body").transform(df.coalesce(1)).collectAsList();
    List<Row> chunked = explainer().setInputCol("body").setChunkRows(5).transform(df.coalesce(1)).collectAsList();
    assertEquals(whole.size(), chunked.size());
    for (int i = 0; i < whole.size(); i++) {
      assertEquals(whole.get(i).getInt(0), chunked.get(i).getInt(0));
      assertTrue(maxDifference(result(whole.get(i).getStruct(3)), result(chunked.get(i).getStruct(3)), "row " + i)
          <= 1e-6);
    }
    Dataset<Row> byLabel = explainer().setInputCol("body").setTarget("label").setLabelCol("gold").transform(df);
    for (Row r : byLabel.select("gold", "relevance.explained_class").collectAsList()) {
      assertEquals(r.getInt(0), r.getInt(1), "target 'label' explains the gold label's class");
    }
  }

  @Test
  void sentencePairsEqualTheJavaApi() {
    List<String> a = MlFixtures.sentences(10, 15, 21);
    List<String> b = MlFixtures.sentences(10, 15, 22);
    List<String> pairs = new ArrayList<>(b);
    pairs.set(3, null); // a null pair is a single text
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      rows.add(org.apache.spark.sql.RowFactory.create(i, a.get(i), pairs.get(i)));
    }
    Dataset<Row> df = spark.createDataFrame(rows, new StructType().add("n", DataTypes.IntegerType)
        .add("premise", DataTypes.StringType).add("hypothesis", DataTypes.StringType));
    List<Row> out = explainer().setInputCol("premise").setTextPairCol("hypothesis").setMethods("gi").transform(df)
        .orderBy("n").collectAsList();
    double max = 0;
    try (org.lrpaudit.api.RelevanceModel api = org.lrpaudit.api.RelevanceModel.load(MlFixtures.model(),
        org.lrpaudit.api.ExplainOptions.DEFAULT.withMaxLength(128).withMethod("gi"))) {
      List<org.lrpaudit.api.TextRelevance> expected = api.explainPairs(a, pairs);
      for (int i = 0; i < a.size(); i++) {
        Result mine = result(out.get(i).getStruct(3));
        org.lrpaudit.explain.Explanation e = expected.get(i).explanation();
        double[] logits = new double[e.logits().length];
        for (int k = 0; k < logits.length; k++) {
          logits[k] = e.logits()[k];
        }
        Result theirs = new Result("ok", e.tokens().stream().map(org.lrpaudit.explain.TokenRelevance::token).toList(),
            expected.get(i).relevance(), logits, e.explainedLogit());
        max = Math.max(max, maxDifference(theirs, mine, "pair " + i));
      }
    }
    assertTrue(max <= 1e-6, "pairs differ by " + max);
    assertTrue(result(out.get(0).getStruct(3)).tokens().size() > a.get(0).split(" ").length + 3, "pair not used");
  }

  @Test
  void nothingRunsBeforeAnAction() {
    String fault = "this text fails its task";
    List<Row> rows = List.of(org.apache.spark.sql.RowFactory.create("fine text"),
        org.apache.spark.sql.RowFactory.create(fault));
    Dataset<Row> df = spark.createDataFrame(rows, new StructType().add("text", DataTypes.StringType));
    int jobsBefore = spark.sparkContext().statusTracker().getJobIdsForGroup(null).length;
    org.lrpaudit.runtime.FaultInjection.failTaskOn(fault);
    try {
      Dataset<Row> out = explainer().transform(df); // would fail if a task touched the rows
      Dataset<Row> more = out.selectExpr("relevance.status AS status").groupBy("status").count();
      assertEquals(jobsBefore, spark.sparkContext().statusTracker().getJobIdsForGroup(null).length,
          "transform started a Spark job");
      Exception e = assertThrows(Exception.class, more::collectAsList);
      assertTrue(String.valueOf(org.lrpaudit.runtime.JobException.rootMessage(e)).contains("injected fault"), e.toString());
    } finally {
      org.lrpaudit.runtime.FaultInjection.clear();
    }
  }

  @Test
  void badSettingsFailAtTransformNamingTheColumnOrSetting() {
    Dataset<Row> df = spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("a film", 3L)),
        new StructType().add("text", DataTypes.StringType).add("label", DataTypes.LongType));
    int jobsBefore = spark.sparkContext().statusTracker().getJobIdsForGroup(null).length;
    Map<String, RelevanceExplainer> cases = new java.util.LinkedHashMap<>();
    cases.put("no column 'body'", explainer().setInputCol("body"));
    cases.put("column 'label' is bigint, not int", explainer().setInputCol("text").setTarget("label"));
    cases.put("outputCol 'label' already exists", explainer().setOutputCol("label"));
    cases.put("modelPath '/no/such/model'", explainer().setModelPath("/no/such/model"));
    cases.put("class 'NEUTRAL' is not a label", explainer().setTarget("class:NEUTRAL"));
    cases.put("method", explainer().setMethods("lrp-xx"));
    cases.put("textPairCol: no column 'pair'", explainer().setTextPairCol("pair"));
    cases.put("modelPath is not set", new RelevanceExplainer());
    for (var c : cases.entrySet()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.getValue().transform(df),
          c.getKey());
      assertTrue(e.getMessage().contains(c.getKey()), c.getKey() + " not in: " + e.getMessage());
      assertTrue(e.getMessage().startsWith("RelevanceExplainer"), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> explainer().setInputCol("body").transformSchema(df.schema()));
    assertTrue(e.getMessage().contains("inputCol: no column 'body'"), e.getMessage());
    assertEquals(jobsBefore, spark.sparkContext().statusTracker().getJobIdsForGroup(null).length,
        "a bad setting started a Spark job");
    assertEquals(Arrays.asList("text", "label", "relevance"),
        Arrays.asList(explainer().transformSchema(df.schema()).fieldNames()));
  }
}
