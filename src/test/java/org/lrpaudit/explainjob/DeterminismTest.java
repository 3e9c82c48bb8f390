package org.lrpaudit.explainjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Same input and model, same relevance (1e-6): across runs, partition counts (1, 3, 8), batch budgets and chunk sizes. */
class DeterminismTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTests.local(2);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void relevanceDoesNotDependOnPartitioningOrBatching(@TempDir Path dir) throws Exception {
    int n = 400;
    Path input = SparkTests.jsonl(dir.resolve("c.jsonl"), SparkTests.sentences(n, 60, 9));
    Path out = dir.resolve("out");
    String[][] variants = {
        {"run-id", "p1", "partitions", "1"},
        {"run-id", "p1-again", "partitions", "1"},
        {"run-id", "p3", "partitions", "3"},
        {"run-id", "p8", "partitions", "8"},
        {"run-id", "small-batches", "partitions", "3", "batch-tokens", "160", "batch-rows", "3", "chunk-rows", "37"},
        {"run-id", "one-row-batches", "partitions", "2", "batch-rows", "1"},
    };
    Map<String, double[]> reference = null;
    for (String[] v : variants) {
      String[] kv = new String[v.length + 2];
      System.arraycopy(v, 0, kv, 0, v.length);
      kv[v.length] = "methods";
      kv[v.length + 1] = "lrp-ah-ln,gi";
      ExplainJob.ExplainSummary s = SparkTests.run(spark, input, out, kv);
      assertEquals(n, s.rowsIn());
      assertEquals(Map.of("lrp-ah-ln", (long) n, "gi", (long) n), s.rowsOut());
      for (String method : new String[] {"lrp-ah-ln", "gi"}) {
        Map<String, double[]> r = SparkTests.relevance(spark, out, v[1], method);
        assertEquals(n, r.size());
        if (reference == null) {
          reference = r;
          continue;
        }
        if (method.equals("lrp-ah-ln")) {
          double d = SparkTests.maxDifference(reference, r);
          System.err.printf("determinism: %s vs p1: max |dR| = %.3g%n", v[1], d);
          assertTrue(d <= 1e-6, v[1] + ": relevance differs by " + d);
        }
      }
    }
  }
}
