package org.lrpaudit.explainjob;

import static org.apache.spark.sql.functions.spark_partition_id;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows per input partition, against Spark's own spark_partition_id() grouping, on the case that made the image job run
 * on one core: one Parquet file of one row group, cut by bytes into several splits of which one holds every row.
 */
class InputPartitionsTest {
  private static SparkSession spark;
  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkTests.local(2);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void keepsOnlyTheRightNumberOfEvenPartitions() {
    assertTrue(new InputPartitions(new long[] {5, 5}).keep(2));
    assertTrue(new InputPartitions(new long[] {6, 4}).keep(2)); // 6 <= 5 + 5/4
    assertFalse(new InputPartitions(new long[] {7, 3}).keep(2));
    assertFalse(new InputPartitions(new long[] {10, 0}).keep(2));
    assertFalse(new InputPartitions(new long[] {5, 5}).keep(3));
    assertTrue(new InputPartitions(new long[] {1, 1, 0}).keep(3));
    assertEquals(10, new InputPartitions(new long[] {7, 3}).total());
  }

  @Test
  void countsTheRowsOfEachSplitOfOneRowGroup() {
    Path file = tmp.resolve("one-row-group.parquet");
    spark.range(20_000).selectExpr("cast(id as string) as id", "concat(sha2(cast(id as string), 256), sha2(cast(-id as string), 256)) as text").coalesce(1).write()
        .parquet(file.toString());
    String old = spark.conf().get("spark.sql.files.maxPartitionBytes");
    spark.conf().set("spark.sql.files.maxPartitionBytes", "262144");
    spark.conf().set("spark.sql.files.openCostInBytes", "0");
    try {
      Dataset<Row> input = spark.read().parquet(file.toString());
      InputPartitions split = InputPartitions.count(input);
      long[] want = new long[input.rdd().getNumPartitions()];
      for (Row r : input.groupBy(spark_partition_id()).count().collectAsList()) {
        want[r.getInt(0)] = r.getLong(1);
      }
      assertArrayEquals(want, split.rows());
      assertEquals(20_000, split.total());
      assertTrue(want.length >= 2, "the file is cut into several splits: " + want.length);
      assertEquals(1, java.util.Arrays.stream(want).filter(n -> n > 0).count(), "one split holds the row group");
      assertFalse(split.keep(want.length), "all rows in one of " + want.length + " partitions is not kept");
    } finally {
      spark.conf().set("spark.sql.files.maxPartitionBytes", old);
      spark.conf().unset("spark.sql.files.openCostInBytes");
    }
  }
}
