package org.lrpaudit.clustertest;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * jobs/cluster-test's table comparison, on the column types of the tables it compares (mentions: strings and ints;
 * probe pairs: strings and doubles), so a harness fault shows here and not as a FAIL of a cluster case in CI.
 */
class SameTableTest {
  private static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType)
      .add("start", DataTypes.IntegerType).add("kind", DataTypes.StringType).add("delta_p", DataTypes.DoubleType);
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[1]").appName("same-table-test").config("spark.ui.enabled", "false")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Dataset<Row> table(double shift, int rows, boolean reversed) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      out.add(RowFactory.create("t" + i % 7, i, i % 2 == 0 ? "female_name" : "male_name", i * 0.125 + (i == 3 ? shift : 0)));
    }
    if (reversed) {
      Collections.reverse(out);
    }
    return spark.createDataFrame(out, SCHEMA);
  }

  @Test
  void theSameRowsInAnotherOrderWithinTheToleranceAreTheSame() {
    assertNull(SameTable.compare(table(0, 20, false), table(4e-6, 20, true), 1e-5, List.of()));
  }

  @Test
  void aNumberBeyondTheToleranceAMissingRowOrAnotherKeyDiffer() {
    String far = SameTable.compare(table(0, 20, false), table(2e-5, 20, false), 1e-5, List.of());
    assertNotNull(far);
    assertTrue(far.contains("delta_p"), far);
    assertTrue(SameTable.compare(table(0, 20, false), table(0, 19, false), 1e-5, List.of()).contains("rows differ"));
    Dataset<Row> renamed = table(0, 20, false).withColumn("kind", org.apache.spark.sql.functions.lit("ambiguous_name"));
    assertNotNull(SameTable.compare(table(0, 20, false), renamed, 1e-5, List.of()));
    assertNull(SameTable.compare(table(0, 20, false), renamed, 1e-5, List.of("kind")), "an ignored column is not compared");
  }
}
