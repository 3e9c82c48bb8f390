package org.lrpaudit.eval;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * The evaluate job's tables (README documents every column). texts: one row per input row and method, status ok with
 * the text's three curves, or a skip reason. curves: one row per method, task and step with the curve averaged over the
 * method's ok texts.
 */
public final class FaithfulnessTable {
  public static final String OK = "ok";
  public static final String NO_LABEL = "no_label";

  public static final StructType TEXTS = new StructType(new StructField[] {
      DataTypes.createStructField("id", DataTypes.StringType, true),
      DataTypes.createStructField("label", DataTypes.IntegerType, true),
      DataTypes.createStructField("method", DataTypes.StringType, false),
      DataTypes.createStructField("status", DataTypes.StringType, false),
      DataTypes.createStructField("error", DataTypes.StringType, true),
      DataTypes.createStructField("num_tokens", DataTypes.IntegerType, true),
      DataTypes.createStructField("explained_logit", DataTypes.DoubleType, true),
      DataTypes.createStructField("conservation_gap", DataTypes.DoubleType, true),
      DataTypes.createStructField("activation", DataTypes.createArrayType(DataTypes.DoubleType, false), true),
      DataTypes.createStructField("pruning_probability", DataTypes.createArrayType(DataTypes.DoubleType, false), true),
      DataTypes.createStructField("pruning_change", DataTypes.createArrayType(DataTypes.DoubleType, false), true)});

  /** The three curves by the column that holds them and the name of their task in the curves table. */
  public static final List<String> CURVE_COLUMNS = List.of("activation", "pruning_probability", "pruning_change");

  public static final StructType CURVES = new StructType(new StructField[] {
      DataTypes.createStructField("method", DataTypes.StringType, false),
      DataTypes.createStructField("curve", DataTypes.StringType, false),
      DataTypes.createStructField("step", DataTypes.IntegerType, false),
      DataTypes.createStructField("fraction", DataTypes.DoubleType, false),
      DataTypes.createStructField("mean", DataTypes.DoubleType, false),
      DataTypes.createStructField("texts", DataTypes.LongType, false)});

  private FaithfulnessTable() {}

  static Row ok(String id, int label, String method, FaithfulnessEvaluator.Outcome o) {
    TextCurves c = o.curves();
    return RowFactory.create(id, label, method, OK, null, o.explanation().tokens().size(),
        o.explanation().explainedLogit(), o.explanation().conservationGap(), seq(c.activation()),
        seq(c.pruningProbability()), seq(c.pruningChange()));
  }

  static Row skipped(String id, Integer label, String method, String status, String error, Integer tokens) {
    return RowFactory.create(id, label, method, status, error, tokens, null, null, null, null, null);
  }

  /** A curve as the Spark array cell of the tables. */
  static scala.collection.Seq<Object> seq(double[] v) {
    List<Object> out = new ArrayList<>(v.length);
    for (double d : v) {
      out.add(d);
    }
    return JavaConverters.asScalaBuffer(out).toSeq();
  }
}
