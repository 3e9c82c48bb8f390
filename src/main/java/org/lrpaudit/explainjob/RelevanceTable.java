package org.lrpaudit.explainjob;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.lrpaudit.explain.Explanation;
import org.lrpaudit.explain.TokenRelevance;
import org.lrpaudit.runtime.RowError;
import scala.collection.JavaConverters;

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

  /** An explained row (status ok). */
  public static Row ok(String id, Integer label, Explanation e, int textLength, String runId) {
    return RowFactory.create(id, label, OK, null, e.modelId(), e.predicted(), e.predictedLabel(), e.explainedClass(),
        e.explainedLabel(), e.explainedLogit(), floats(e.logits()), tokens(e.tokens()), tokens(e.words()),
        e.relevanceSum(), e.conservationGap(), e.truncated(), textLength, e.tokens().size(), runId, e.method());
  }

  /** A forward-only row (method "forward"): logits and prediction, no relevance. */
  public static Row forward(String id, Integer label, String modelId, float[] logits, int predicted,
      String predictedLabel, boolean truncated, int textLength, int numTokens, String runId) {
    return RowFactory.create(id, label, OK, null, modelId, predicted, predictedLabel, null, null, null, floats(logits),
        null, null, null, null, truncated, textLength, numTokens, runId, ExplainSettings.FORWARD);
  }

  /** An error row: status is the error code, error its message; what is known of the text is kept. */
  public static Row error(String id, Integer label, RowError err, String modelId, Integer textLength, String runId,
      String method) {
    return RowFactory.create(id, label, err.status(), err.message(), modelId, null, null, null, null, null, null, null,
        null, null, null, null, textLength, null, runId, method);
  }

  private static scala.collection.Seq<Object> floats(float[] v) {
    List<Object> out = new ArrayList<>(v.length);
    for (float f : v) {
      out.add(f);
    }
    return JavaConverters.asScalaBuffer(out).toSeq();
  }

  private static scala.collection.Seq<Object> tokens(List<TokenRelevance> tokens) {
    List<Object> out = new ArrayList<>(tokens.size());
    for (TokenRelevance t : tokens) {
      out.add(RowFactory.create(t.token(), t.start(), t.end(), t.relevance(), t.segment()));
    }
    return JavaConverters.asScalaBuffer(out).toSeq();
  }
}
