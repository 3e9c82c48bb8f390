package org.lrpaudit.explainjob;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The relevance table (architecture.md): one row per input row and method, partitioned by run_id and method. The README
 * documents every column; keep the two in step.
 */
public final class RelevanceTable {
  public static final String RUN_ID = "run_id";
  public static final String METHOD = "method";
  public static final String OK = "ok";

  public static final StructType TOKEN = new StructType(new StructField[] {
      DataTypes.createStructField("token", DataTypes.StringType, true),
      DataTypes.createStructField("start", DataTypes.IntegerType, false),
      DataTypes.createStructField("end", DataTypes.IntegerType, false),
      DataTypes.createStructField("relevance", DataTypes.DoubleType, false),
      // 0: the text, 1: a sentence pair's second text (start/end then index that text). Last and nullable, so tables
      // written before it existed still read with this schema (their tokens read as segment null, i.e. the text).
      DataTypes.createStructField("segment", DataTypes.IntegerType, true)});

  public static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("id", DataTypes.StringType, true),
      DataTypes.createStructField("label", DataTypes.IntegerType, true),
      DataTypes.createStructField("status", DataTypes.StringType, false),
      DataTypes.createStructField("error", DataTypes.StringType, true),
      DataTypes.createStructField("model_id", DataTypes.StringType, false),
      DataTypes.createStructField("predicted", DataTypes.IntegerType, true),
      DataTypes.createStructField("predicted_label", DataTypes.StringType, true),
      DataTypes.createStructField("explained_class", DataTypes.IntegerType, true),
      DataTypes.createStructField("explained_label", DataTypes.StringType, true),
      DataTypes.createStructField("explained_logit", DataTypes.DoubleType, true),
      DataTypes.createStructField("logits", DataTypes.createArrayType(DataTypes.FloatType, false), true),
      DataTypes.createStructField("tokens", DataTypes.createArrayType(TOKEN, false), true),
      DataTypes.createStructField("words", DataTypes.createArrayType(TOKEN, false), true),
      DataTypes.createStructField("relevance_sum", DataTypes.DoubleType, true),
      DataTypes.createStructField("conservation_gap", DataTypes.DoubleType, true),
      DataTypes.createStructField("truncated", DataTypes.BooleanType, true),
      DataTypes.createStructField("text_length", DataTypes.IntegerType, true),
      DataTypes.createStructField("num_tokens", DataTypes.IntegerType, true),
      DataTypes.createStructField(RUN_ID, DataTypes.StringType, false),
      DataTypes.createStructField(METHOD, DataTypes.StringType, false)});

  private RelevanceTable() {}

  /**
   * The table's rows of one run from rows carrying their explanation column (ExplainColumn.append over the corpus rows,
   * which hold id and label): one row per input row and method. A select over the column, so it runs in the same tasks.
   */
  public static Dataset<Row> of(Dataset<Row> explained, String column, int methods, String runId) {
    Column explanation = methods == 1 ? col(column) : explode(col(column));
    Dataset<Row> perMethod = explained.select(col("id"), col("label"), explanation.as(column));
    List<Column> fields = new ArrayList<>();
    for (String name : SCHEMA.fieldNames()) {
      fields.add(name.equals("id") || name.equals("label") ? col(name)
          : name.equals(RUN_ID) ? lit(runId).as(RUN_ID) : col(column).getField(name).as(name));
    }
    return perMethod.select(fields.toArray(new Column[0]));
  }
}
