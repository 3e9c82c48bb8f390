package org.lrpaudit.clustertest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * For jobs/cluster-test: are two Parquet tables (a cluster run's and the embedded run's) the same rows? Same columns,
 * same number of rows, every non-floating column equal and every double within TOLERANCE, after sorting both by their
 * non-floating columns. Exit 0 and "rows N, max |d| X" when equal; exit 1 naming the first difference otherwise.
 *   java -cp TEST_CLASS_PATH org.lrpaudit.clustertest.SameTable EXPECTED ACTUAL TOLERANCE [IGNORED_COLUMN...]
 */
public final class SameTable {
  private SameTable() {}

  public static void main(String[] args) {
    if (args.length < 3) {
      System.err.println("usage: SameTable EXPECTED ACTUAL TOLERANCE [IGNORED_COLUMN...]");
      System.exit(2);
    }
    SparkSession spark = SparkSession.builder().master("local[1]").appName("same-table")
        .config("spark.ui.enabled", "false").getOrCreate();
    String difference;
    try {
      difference = compare(spark.read().parquet(args[0]), spark.read().parquet(args[1]), Double.parseDouble(args[2]),
          List.of(args).subList(3, args.length));
    } finally {
      spark.stop();
    }
    if (difference != null) {
      System.err.println("SameTable: " + args[0] + " vs " + args[1] + ": " + difference);
      System.exit(1);
    }
  }

  static String compare(Dataset<Row> expected, Dataset<Row> actual, double tolerance, List<String> ignored) {
    List<String> columns = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (StructField f : expected.schema().fields()) {
      if (ignored.contains(f.name())) {
        continue;
      }
      columns.add(f.name());
      if (!isFloating(f)) {
        keys.add(f.name());
      }
    }
    List<String> actualColumns = new ArrayList<>(Arrays.asList(actual.columns()));
    actualColumns.removeAll(ignored);
    if (!new java.util.HashSet<>(columns).equals(new java.util.HashSet<>(actualColumns))) {
      return "columns differ: " + columns + " vs " + actualColumns;
    }
    String[] rest = columns.subList(1, columns.size()).toArray(new String[0]);
    List<Row> a = sorted(expected.select(columns.get(0), rest), keys);
    List<Row> b = sorted(actual.select(columns.get(0), rest), keys);
    if (a.size() != b.size()) {
      return "rows differ: " + a.size() + " vs " + b.size();
    }
    double max = 0;
    for (int i = 0; i < a.size(); i++) {
      for (int j = 0; j < columns.size(); j++) {
        Object x = a.get(i).get(j);
        Object y = b.get(i).get(j);
        if (x instanceof Double dx && y instanceof Double dy) {
          double d = Double.isNaN(dx) && Double.isNaN(dy) ? 0 : Math.abs(dx - dy);
          if (!(d <= tolerance)) {
            return "row " + a.get(i) + " vs " + b.get(i) + ": column " + columns.get(j) + " differs by " + d;
          }
          max = Math.max(max, d);
        } else if (!String.valueOf(x).equals(String.valueOf(y))) {
          return "row " + a.get(i) + " vs " + b.get(i) + ": column " + columns.get(j) + " differs";
        }
      }
    }
    System.out.printf("rows %d, max |d| %.3g%n", a.size(), max);
    return null;
  }

  private static boolean isFloating(StructField f) {
    return f.dataType().equals(DataTypes.DoubleType) || f.dataType().equals(DataTypes.FloatType);
  }

  private static List<Row> sorted(Dataset<Row> table, List<String> keys) {
    List<Row> rows = new ArrayList<>(table.collectAsList());
    rows.sort((x, y) -> {
      for (String k : keys) {
        int c = String.valueOf(x.getAs(k)).compareTo(String.valueOf(y.getAs(k)));
        if (c != 0) {
          return c;
        }
      }
      return 0;
    });
    return rows;
  }
}
