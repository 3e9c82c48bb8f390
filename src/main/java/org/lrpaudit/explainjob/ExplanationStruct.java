package org.lrpaudit.explainjob;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
 * One row's explanation by one method, as ExplainColumn appends it: the relevance table's fields (docs/jobs.md) without
 * the ones that belong to the table rather than to a row's explanation (id, label: the caller's own columns stay beside
 * it; run_id). Derived from RelevanceTable.SCHEMA, so the two cannot drift apart; RelevanceTable.of flattens it back.
 */
public final class ExplanationStruct {
  private static final Set<String> TABLE_ONLY = Set.of("id", "label", RelevanceTable.RUN_ID);

  public static final StructType TYPE;

  static {
    List<StructField> fields = new ArrayList<>();
    for (StructField f : RelevanceTable.SCHEMA.fields()) {
      if (!TABLE_ONLY.contains(f.name())) {
        fields.add(f);
      }
    }
    TYPE = DataTypes.createStructType(fields);
  }

  private ExplanationStruct() {}

  /** The column's type: one struct for one method, an array of structs (in the methods' order) for several. */
  public static org.apache.spark.sql.types.DataType columnType(int methods) {
    return methods == 1 ? TYPE : DataTypes.createArrayType(TYPE, false);
  }

  // The rows below list TYPE's fields in order: status, error, model_id, predicted, predicted_label, explained_class,
  // explained_label, explained_logit, logits, tokens, words, relevance_sum, conservation_gap, truncated, text_length,
  // num_tokens, method.

  /** An explained row (status ok). */
  static Row ok(Explanation e, int textLength) {
    return RowFactory.create(RelevanceTable.OK, null, e.modelId(), e.predicted(), e.predictedLabel(), e.explainedClass(),
        e.explainedLabel(), e.explainedLogit(), floats(e.logits()), tokens(e.tokens()), tokens(e.words()),
        e.relevanceSum(), e.conservationGap(), e.truncated(), textLength, e.tokens().size(), e.method());
  }

  /** A forward-only row (method "forward"): logits and prediction, no relevance. */
  static Row forward(String modelId, float[] logits, int predicted, String predictedLabel, boolean truncated,
      int textLength, int numTokens) {
    return RowFactory.create(RelevanceTable.OK, null, modelId, predicted, predictedLabel, null, null, null,
        floats(logits), null, null, null, null, truncated, textLength, numTokens, ExplainSettings.FORWARD);
  }

  /** An error row: status is the error code, error its message; what is known of the text is kept. */
  static Row error(RowError err, String modelId, Integer textLength, String method) {
    return RowFactory.create(err.status(), err.message(), modelId, null, null, null, null, null, null, null, null, null,
        null, null, textLength, null, method);
  }

  static scala.collection.Seq<Object> floats(float[] v) {
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
