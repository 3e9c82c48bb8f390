package org.lrpaudit.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed write must not leave its folder behind once the caller deleted it: task 0 fails at once while task 1 is still
 * computing its rows; task 1 creates its output file only after that, so a caller that deleted the folder as soon as
 * the write failed would find it created again (the race behind EvaluateJobTest's "staging folder left behind").
 */
class SparkWritesTest {
  private static SparkSession spark;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("spark-writes-test")
        .config("spark.ui.enabled", "false").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Partition 0 fails at once; partition 1 computes for 1.5 s before its writer creates the part file. */
  private static Dataset<Integer> oneFailsOneLate() {
    MapPartitionsFunction<Integer, Integer> f = rows -> {
      if (TaskContext.getPartitionId() == 0) {
        throw new IllegalStateException("planted task failure");
      }
      Thread.sleep(1500);
      return List.of(1, 2, 3).iterator();
    };
    return spark.createDataset(List.of(1, 2), Encoders.INT()).repartition(2).mapPartitions(f, Encoders.INT());
  }

  @Test
  void aFailedWriteReturnsOnlyAfterItsTasksEnded() throws Exception {
    Path out = dir.resolve("staging");
    long t0 = System.nanoTime();
    assertThrows(Exception.class, () -> SparkWrites.drainingOnFailure(spark.sparkContext(),
        () -> oneFailsOneLate().write().mode(SaveMode.ErrorIfExists).parquet(out.toString())));
    assertTrue((System.nanoTime() - t0) / 1e9 >= 1.4, "returned before the late task ended");
    deleteTree(out);
    Thread.sleep(2000);
    assertFalse(Files.exists(out), "a task of the failed write created the folder again after it was deleted");
  }

  @Test
  void aWriteThatFailsBeforeAnyJobReturnsPromptly() {
    long t0 = System.nanoTime();
    assertThrows(Exception.class, () -> SparkWrites.drainingOnFailure(spark.sparkContext(),
        () -> spark.read().parquet(dir.resolve("absent").toString()).write().parquet(dir.resolve("x").toString())));
    assertTrue((System.nanoTime() - t0) / 1e9 < SparkWrites.DRAIN_TIMEOUT.toSeconds() / 2.0);
  }

  private static void deleteTree(Path p) throws Exception {
    if (Files.exists(p)) {
      try (var walk = Files.walk(p)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
      }
    }
  }
}
