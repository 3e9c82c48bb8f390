package org.lrpaudit.explainjob;

import static org.apache.spark.sql.functions.col;
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
    // Delta needs its extension and catalog when the session is created: a session of its own.
    SparkSession.getActiveSession().foreach(x -> {
      x.stop();
      return null;
    });
    SparkSession spark = SparkSession.builder().master("local[2]").appName("lrp-delta")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog").getOrCreate();
    try {
      run(spark, dir);
    } finally {
      spark.stop();
    }
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
