package org.lrpaudit.explainjob;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.cli.Main;

/**
 * Table formats as Spark data source names: a Delta Lake corpus in (by --input-format delta and by detection), ORC in, and
 * relevance written as a Delta table partitioned by run_id and method, where a rerun of a run id replaces only its
 * partition (one Delta commit) and a second run stays as it was.
 */
class DeltaTableTest {
  @Test
  void deltaAndOrcInDeltaOutRerunReplacesOnlyItsRun(@TempDir Path dir) {
    SparkSession spark = deltaSession();
    try {
      run(spark, dir);
    } finally {
      spark.stop();
    }
  }

  /** Delta needs its extension and catalog when the session is created: a session of its own. */
  private static SparkSession deltaSession() {
    SparkSession.getActiveSession().foreach(x -> {
      x.stop();
      return null;
    });
    return SparkSession.builder().master("local[2]").appName("lrp-delta")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog").getOrCreate();
  }

  /**
   * A run appended to a Delta relevance table that already holds runs: of today's schema (a run of single texts, whose
   * tokens carry segment 0) it simply appends, a sentence-pair run included; of the schema before tokens and words had
   * their segment field (the only change since the table's first version, rebuilt here by dropping the field from a
   * run), the run is appended and the field added (old rows read segment null, which bias reads as 0); of any other
   * schema (here a column of another type), the job stops before any compute, exit 2, naming the column, and the table
   * keeps its version.
   */
  @Test
  void runsAppendToDeltaTablesOfTodaysAndTheOlderSchema(@TempDir Path dir) throws java.io.IOException {
    SparkSession spark = deltaSession();
    try {
      List<String> lines = new ArrayList<>();
      List<String> texts = SparkTests.sentences(6, 8, 21);
      List<String> second = SparkTests.sentences(6, 5, 22);
      for (int i = 0; i < texts.size(); i++) {
        lines.add("{\"id\": \"t" + i + "\", \"text\": \"" + texts.get(i) + "\", \"hypothesis\": \"" + second.get(i)
            + "\"}");
      }
      String in = Files.write(dir.resolve("pairs.jsonl"), lines).toString();
      String model = SparkTests.model().toString();
      String today = dir.resolve("today").toString();
      assertEquals(0, explain(model, in, "jsonl", today, "single", "lrp-ah-ln"));
      assertEquals(0, explainPairs(model, in, today, "pairs"));
      assertSegments(spark, today, Map.of("single", List.of(0), "pairs", List.of(0, 1)));

      // The older schema: the single-text run without the segment field, as a Delta table of its own.
      String older = dir.resolve("older").toString();
      Dataset<Row> run = spark.read().format("delta").load(today).where(col("run_id").equalTo("single"));
      String drop = "transform(%1$s, x -> named_struct('token', x.token, 'start', x.start, 'end', x.`end`, "
          + "'relevance', x.relevance))";
      run.withColumn("tokens", expr(String.format(drop, "tokens"))).withColumn("words", expr(String.format(drop, "words")))
          .write().format("delta").partitionBy("run_id", "method").save(older);
      assertTrue(!spark.read().format("delta").load(older).schema().apply("tokens").dataType().simpleString()
          .contains("segment"), "the older schema has no segment");
      assertEquals(0, explainPairs(model, in, older, "pairs"));
      Map<String, List<Integer>> segments = new java.util.HashMap<>();
      segments.put("single", java.util.Arrays.asList((Integer) null));
      segments.put("pairs", List.of(0, 1));
      assertSegments(spark, older, segments);
      assertEquals(6, org.lrpaudit.bias.JobFiles.readTable(spark, older, "relevance table")
          .where(col("run_id").equalTo("pairs")).count());

      // Any other difference is refused up front.
      String other = dir.resolve("other").toString();
      run.withColumn("num_tokens", col("num_tokens").cast("string")).write().format("delta")
          .partitionBy("run_id", "method").save(other);
      long version = spark.sql("DESCRIBE HISTORY delta.`" + other + "`").count();
      RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> SparkTests.run(
          spark, Path.of(in), Path.of(other), "run-id", "x", "format", "delta", "max-length", "64"));
      assertTrue(e.getMessage().contains("column 'num_tokens' is string, not int") && e.getMessage().contains(other),
          e.getMessage());
      assertEquals(2, explain(model, in, "jsonl", other, "x", "lrp-ah-ln"));
      assertEquals(version, spark.sql("DESCRIBE HISTORY delta.`" + other + "`").count(), "no commit");
    } finally {
      spark.stop();
    }
  }

  /**
   * run -> the distinct segments of its tokens (null: the field is absent from the run's rows). The whole token structs
   * are read: a query of tokens.segment alone reads a whole null array from files without the field.
   */
  private static void assertSegments(SparkSession spark, String table, Map<String, List<Integer>> expected) {
    Map<String, java.util.SortedSet<Integer>> got = new java.util.TreeMap<>();
    for (Row r : spark.read().format("delta").load(table).select("run_id", "tokens").collectAsList()) {
      java.util.SortedSet<Integer> seen = got.computeIfAbsent(r.getString(0),
          k -> new java.util.TreeSet<>(java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
      for (Row t : r.<Row>getList(1)) {
        seen.add(t.isNullAt(t.fieldIndex("segment")) ? null : t.getInt(t.fieldIndex("segment")));
      }
    }
    Map<String, List<Integer>> lists = new java.util.TreeMap<>();
    got.forEach((run, seen) -> lists.put(run, new ArrayList<>(seen)));
    assertEquals(new java.util.TreeMap<>(expected), lists, table);
  }

  private static int explainPairs(String model, String in, String out, String run) {
    return Main.run("explain", "--model", model, "--input", in, "--input-format", "jsonl", "--output", out,
        "--format", "delta", "--run-id", run, "--pair-column", "hypothesis", "--max-length", "64");
  }

  private static void run(SparkSession spark, Path dir) {
    List<String> texts = SparkTests.sentences(80, 25, 9);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(RowFactory.create("t" + i, texts.get(i), i % 2));
    }
    StructType schema = new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType)
        .add("label", DataTypes.IntegerType);
    Dataset<Row> corpus = spark.createDataFrame(rows, schema);
    String deltaIn = dir.resolve("corpus-delta").toString();
    String orcIn = dir.resolve("corpus-orc").toString();
    corpus.write().format("delta").save(deltaIn);
    corpus.write().orc(orcIn);
    String out = dir.resolve("relevance").toString();
    String model = SparkTests.model().toString();

    assertEquals(0, explain(model, deltaIn, "delta", out, "a", "lrp-ah-ln,gi"));
    assertEquals(0, explain(model, orcIn, "orc", out, "b", "lrp-ah-ln"));
    assertTrue(Files.isDirectory(dir.resolve("relevance/_delta_log")), "a Delta table");
    assertTrue(Files.isDirectory(dir.resolve("relevance/run_id=a/method=gi")), "partitioned by run_id and method");
    Dataset<Row> table = spark.read().format("delta").load(out);
    assertEquals(List.of("run_id", "method"), partitionColumns(spark, out));
    assertEquals(160, table.where(col("run_id").equalTo("a")).count());
    assertEquals(80, table.where(col("run_id").equalTo("b")).count());
    Map<String, double[]> before = relevance(spark, out, "b");

    // Same run id again without --overwrite: refused, nothing changes.
    assertEquals(2, explain(model, deltaIn, "auto", out, "a", "gi"));
    // With --overwrite (input detected as Delta): run a now holds gi only; run b is untouched.
    assertEquals(0, Main.run("explain", "--model", model, "--input", deltaIn, "--output", out, "--format", "delta",
        "--run-id", "a", "--methods", "gi", "--max-length", "64", "--overwrite"));
    table = spark.read().format("delta").load(out);
    assertEquals(80, table.where(col("run_id").equalTo("a")).count());
    assertEquals(80, table.where(col("run_id").equalTo("a").and(col("method").equalTo("gi"))).count());
    assertEquals(80, table.where(col("run_id").equalTo("b")).count());
    assertEquals(0.0, SparkTests.maxDifference(before, relevance(spark, out, "b")));
    // The lrp-ah-ln run read back by the bias job's table reader (detects Delta).
    assertEquals(240 - 80, org.lrpaudit.bias.JobFiles.readTable(spark, out, "relevance table").count());
  }

  private static int explain(String model, String in, String inFormat, String out, String run, String methods) {
    return Main.run("explain", "--model", model, "--input", in, "--input-format", inFormat, "--output", out,
        "--format", "delta", "--run-id", run, "--methods", methods, "--max-length", "64");
  }

  private static List<String> partitionColumns(SparkSession spark, String table) {
    List<String> out = new ArrayList<>();
    for (Row r : spark.sql("DESCRIBE DETAIL delta.`" + table + "`").select("partitionColumns").collectAsList()) {
      out.addAll(r.getList(0));
    }
    return out;
  }

  private static Map<String, double[]> relevance(SparkSession spark, String table, String run) {
    Path copy;
    try {
      copy = Files.createTempDirectory("delta-read");
      Files.delete(copy);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    spark.read().format("delta").load(table).write().partitionBy("run_id", "method").parquet(copy.toString());
    return SparkTests.relevance(spark, copy, run, "lrp-ah-ln");
  }
}

