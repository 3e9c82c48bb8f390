package org.lrpaudit.bias;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The bias_stats table (long format, one row per statistic); the README documents every column. */
public final class BiasStats {
  public static final String TERM = "term";
  public static final String KIND = "kind";
  public static final String GROUP_GAP = "group_gap";
  public static final String OUTCOME = "outcome";
  public static final String ALL = "all";

  public static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("section", DataTypes.StringType, false),
      DataTypes.createStructField("kind", DataTypes.StringType, false),
      DataTypes.createStructField("term", DataTypes.StringType, true),
      DataTypes.createStructField("group", DataTypes.StringType, true),
      DataTypes.createStructField("predicted_class", DataTypes.StringType, false),
      DataTypes.createStructField("statistic", DataTypes.StringType, false),
      DataTypes.createStructField("value", DataTypes.DoubleType, true),
      DataTypes.createStructField("ci_low", DataTypes.DoubleType, true),
      DataTypes.createStructField("ci_high", DataTypes.DoubleType, true),
      DataTypes.createStructField("p_value", DataTypes.DoubleType, true),
      DataTypes.createStructField("n", DataTypes.LongType, false),
      DataTypes.createStructField("run_id", DataTypes.StringType, false),
      DataTypes.createStructField("method", DataTypes.StringType, false)});

  private BiasStats() {}

  public static Row row(String section, String kind, String term, String group, String predictedClass, String statistic,
      double value, double ciLow, double ciHigh, double pValue, long n, String runId, String method) {
    return RowFactory.create(section, kind, term, group, predictedClass, statistic, finite(value), finite(ciLow),
        finite(ciHigh), finite(pValue), n, runId, method);
  }

  /** NaN (undefined: no rows, no interval, no test) is written as null. */
  public static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
