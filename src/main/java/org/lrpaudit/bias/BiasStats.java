package org.lrpaudit.bias;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The bias_stats table (long format, one row per statistic); docs/jobs.md documents every column. */
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

  private static final int RUN_ID = SCHEMA.fieldIndex("run_id");

  private BiasStats() {}

  /**
   * The table split by group columns (--group-col): one string column per group column, named as it, before run_id.
   * Without group columns, SCHEMA.
   */
  public static StructType schema(List<String> groupCols) {
    StructField[] base = SCHEMA.fields();
    List<StructField> fields = new ArrayList<>(Arrays.asList(base).subList(0, RUN_ID));
    for (String c : groupCols) {
      fields.add(DataTypes.createStructField(c, DataTypes.StringType, true));
    }
    fields.addAll(Arrays.asList(base).subList(RUN_ID, base.length));
    return new StructType(fields.toArray(StructField[]::new));
  }

  /** A row of the table; slice holds the values of the group columns (empty when not split). */
  public static Row row(String section, String kind, String term, String group, String predictedClass, String statistic,
      double value, double ciLow, double ciHigh, double pValue, long n, List<String> slice, String runId,
      String method) {
    List<Object> v = new ArrayList<>(Arrays.asList(section, kind, term, group, predictedClass, statistic, finite(value),
        finite(ciLow), finite(ciHigh), finite(pValue), n));
    v.addAll(slice);
    v.add(runId);
    v.add(method);
    return RowFactory.create(v.toArray());
  }

  /** NaN (undefined: no rows, no interval, no test) is written as null. */
  public static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
